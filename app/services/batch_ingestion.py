"""Ingesting many articles at once (`POST /api/articles/batch`, `cuomin ingest`), with the guarantees
of ingesting them one by one and a fraction of the cost.

1. Every item is validated and read (text, or the saved WeChat page) on its own: a bad item becomes
   an error at its index and nothing else.
2. One read resolves the accounts, their exemptions and the articles already stored, for the whole
   batch; an item that repeats an earlier one (same account and url, or same account and content),
   in the database or in the batch, is a duplicate of it.
3. The new articles are checked in worker processes (app.services.scanning).
4. They are written in chunks (the next chunk is checked meanwhile), each chunk one transaction of
   two batched Core INSERTs (articles, then all their hits): a kill leaves whole chunks and nothing
   of the one being written. A chunk that meets a concurrent writer's copy of one of its articles
   (a unique constraint) is rolled back and written article by article, each one then found stored
   (a duplicate) or stored once.
5. Written for a queued ingest chunk (app/services/queued_ingest.py, `origin`), every write transaction
   starts with the chunk's fence (a compare-and-set on its owner) and every article carries the chunk's id:
   a retry of the chunk after a killed attempt counts the articles that attempt wrote as created (once),
   and only the others as duplicates.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy import JSON, Connection, Table, and_, func, insert, or_, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.clock import cst_date, utcnow
from app.db import UtcDateTime
from app.models import Account, Article, HitRecord
from app.schemas.articles import ArticleCreate, BatchCreated, BatchDuplicate, BatchError, BatchResult
from app.schemas.messages import describe_errors
from app.services.accounts import resolve_account
from app.services.errors import ServiceError
from app.services.exemptions import applicable
from app.services.ingestion import Prepared, prepare
from app.services.scanning import HitDict, ScanJob, ScanPool

log = logging.getLogger("cuomin.ingest")

NOT_AN_OBJECT = "每项应为一个 JSON 对象（一篇文章）"
INTERNAL = "服务器内部错误，该篇未入库"
# Articles per check and per transaction: big enough to amortise both (smaller chunks cost more in
# round trips to the checking processes than overlapping a batch of 100 with its write saves), small
# enough to hold the lock briefly. Bigger batches (`cuomin ingest` reads 1,000 at a time) overlap.
CHUNK = 250


class Fenced(Exception):
    """The queued chunk writing the batch is no longer the caller's (it was taken for dead): nothing more
    of it is written."""


@dataclass(frozen=True, slots=True)
class Origin:
    """The queued ingest chunk a batch is written for: its id goes on each article it writes, and `fence`
    runs first in each write transaction (raising Fenced when the chunk was taken over)."""

    chunk_id: int
    fence: Callable[[Session], None]


@dataclass(slots=True)
class _New:
    index: int
    prepared: Prepared
    account_id: int
    exempt_phrases: tuple[str, ...]
    exempt_rules: tuple[str, ...]


def _read(item: Any, max_article_bytes: int) -> tuple[ArticleCreate, Prepared] | BatchError | None:
    if not isinstance(item, dict | ArticleCreate):
        return None
    try:
        article_in = item if isinstance(item, ArticleCreate) else ArticleCreate.model_validate(item)
    except ValidationError as exc:
        return BatchError(index=-1, code="invalid_request", error=describe_errors(exc.errors()))
    try:
        return article_in, prepare(article_in, max_article_bytes)
    except ServiceError as exc:
        return BatchError(index=-1, code=exc.code, error=exc.message)


def ingest_many(
    *,
    sessions: Callable[[], Session],
    pool: ScanPool,
    items: Sequence[Any],
    max_article_bytes: int,
    organization_scope: int | None = None,
    origin: Origin | None = None,
) -> BatchResult:
    """Ingest items (raw JSON objects or ArticleCreate); the result names each item by its index.
    Raises Fenced (from origin's fence) when the queued chunk is no longer the caller's."""
    result = BatchResult(created=[], duplicates=[], errors=[])
    ready: list[tuple[int, ArticleCreate, Prepared]] = []
    for index, item in enumerate(items):
        read = _read(item, max_article_bytes)
        if read is None:
            result.errors.append(BatchError(index=index, code="invalid_request", error=NOT_AN_OBJECT))
        elif isinstance(read, BatchError):
            result.errors.append(BatchError(index=index, code=read.code, error=read.error))
        else:
            ready.append((index, *read))
    if not ready:
        return _sorted(result)

    fresh, repeats = _plan(sessions, ready, organization_scope, result, origin)
    detector = pool.detector
    ids: dict[int, int] = {}  # index -> stored article id
    for chunk, found in _checked(pool, fresh):
        if isinstance(found, BaseException):
            log.error("checking a batch of articles failed", exc_info=found)
            for n in chunk:
                result.errors.append(BatchError(index=n.index, code="internal_error", error=INTERNAL))
            continue
        _write_chunk(sessions, chunk, found, detector.version, ids, result, origin)
    for index, earlier in repeats:
        if earlier in ids:
            result.duplicates.append(BatchDuplicate(index=index, id=ids[earlier]))
        else:  # the earlier copy failed: this one fails the same way, it was never stored
            error = next((e for e in result.errors if e.index == earlier), None)
            code, message = (error.code, error.error) if error else ("internal_error", INTERNAL)
            result.errors.append(BatchError(index=index, code=code, error=message))
    return _sorted(result)


def _jobs(chunk: list[_New]) -> list[ScanJob]:
    return [
        ScanJob(n.prepared.text, cst_date(n.prepared.published_at), n.exempt_phrases, n.exempt_rules, n.prepared.title)
        for n in chunk
    ]


def _checked(pool: ScanPool, fresh: list[_New]) -> Iterator[tuple[list[_New], list[list[HitDict]] | Exception]]:
    """Each chunk of fresh with its hits (or the exception checking it raised), in order. The next chunk is
    checked (by the worker processes) while the caller writes this one: the cores that check do not wait
    for the database, nor the database for them."""
    chunks = [fresh[first : first + CHUNK] for first in range(0, len(fresh), CHUNK)]
    if len(chunks) == 1:
        try:
            yield chunks[0], pool.check(_jobs(chunks[0]))
        except Exception as exc:
            yield chunks[0], exc
        return
    with ThreadPoolExecutor(1, thread_name_prefix="ingest-check") as ahead:
        pending = ahead.submit(pool.check, _jobs(chunks[0])) if chunks else None
        for k, chunk in enumerate(chunks):
            assert pending is not None
            current, pending = (
                pending,
                (ahead.submit(pool.check, _jobs(chunks[k + 1])) if k + 1 < len(chunks) else None),
            )
            try:
                yield chunk, current.result()
            except Exception as exc:
                yield chunk, exc


def _sorted(result: BatchResult) -> BatchResult:
    result.created.sort(key=lambda c: c.index)
    result.duplicates.sort(key=lambda d: d.index)
    result.errors.sort(key=lambda e: e.index)
    return result


def _plan(
    sessions: Callable[[], Session],
    ready: list[tuple[int, ArticleCreate, Prepared]],
    organization_scope: int | None,
    result: BatchResult,
    origin: Origin | None = None,
) -> tuple[list[_New], list[tuple[int, int]]]:
    """The articles to store, and the (index, earlier index) of those repeating one earlier in the batch.
    Duplicates of stored articles and account errors go straight into result; so do, as created, the
    articles an earlier attempt of origin's chunk stored (the first item naming each)."""
    accounts: dict[tuple[Any, ...], Account | ServiceError] = {}
    exemptions: dict[int, tuple[tuple[str, ...], tuple[str, ...]]] = {}
    placed: list[tuple[int, Prepared, int]] = []
    with sessions() as session:
        for index, article_in, prepared in ready:
            key = (article_in.account_id, article_in.filing_no, prepared.nickname)
            if key not in accounts:
                try:
                    accounts[key] = resolve_account(
                        session=session,
                        account_id=article_in.account_id,
                        filing_no=article_in.filing_no,
                        nickname=prepared.nickname,
                        organization_scope=organization_scope,
                    )
                except ServiceError as exc:
                    accounts[key] = exc
            account = accounts[key]
            if isinstance(account, ServiceError):
                result.errors.append(BatchError(index=index, code=account.code, error=account.message))
                continue
            if account.id not in exemptions:
                phrases, rules = applicable(session=session, account=account)
                exemptions[account.id] = (tuple(phrases), tuple(rules))
            placed.append((index, prepared, account.id))
        stored = _stored(session, placed)
        own = _hit_counts(session, {i for i, chunk in stored.values() if origin and chunk == origin.chunk_id})
        session.commit()  # read only: end the transaction (on SQLite it holds the write lock)

    fresh: list[_New] = []
    repeats: list[tuple[int, int]] = []
    first_of: dict[tuple[int, str, str], int] = {}  # (account, "hash"/"url", value) -> index
    for index, prepared, account_id in placed:
        keys = [(account_id, "hash", prepared.digest)]
        if prepared.url:
            keys.append((account_id, "url", prepared.url))
        existing = next((stored[k][0] for k in keys if k in stored), None)
        if existing is not None:
            if existing in own:  # written by a killed attempt of this chunk: created by this chunk, once
                result.created.append(BatchCreated(index=index, id=existing, hits=own.pop(existing)))
            else:
                result.duplicates.append(BatchDuplicate(index=index, id=existing))
            continue
        earlier = next((first_of[k] for k in keys if k in first_of), None)
        if earlier is not None:
            repeats.append((index, earlier))
            continue
        for k in keys:
            first_of[k] = index
        fresh.append(_New(index, prepared, account_id, *exemptions[account_id]))
    return fresh, repeats


def _hit_counts(session: Session, article_ids: set[int]) -> dict[int, int]:
    """{article id: its number of hits} of the given articles."""
    counts = dict.fromkeys(article_ids, 0)
    ordered = sorted(article_ids)
    for first in range(0, len(ordered), 500):
        query = select(HitRecord.article_id, func.count()).where(HitRecord.article_id.in_(ordered[first : first + 500]))
        counts.update(
            (article_id, count) for article_id, count in session.execute(query.group_by(HitRecord.article_id))
        )
    return counts


def _stored(
    session: Session, placed: list[tuple[int, Prepared, int]]
) -> dict[tuple[int, str, str], tuple[int, int | None]]:
    """The stored articles that the placed ones would repeat, keyed as in _plan: (id, the queued ingest chunk
    that wrote it or None)."""
    by_account: dict[int, tuple[set[str], set[str]]] = {}
    for _index, prepared, account_id in placed:
        hashes, urls = by_account.setdefault(account_id, (set(), set()))
        hashes.add(prepared.digest)
        if prepared.url:
            urls.add(prepared.url)
    found: dict[tuple[int, str, str], tuple[int, int | None]] = {}
    for account_id, (hashes, urls) in by_account.items():
        hash_list, url_list = sorted(hashes), sorted(urls)
        for first in range(0, max(len(hash_list), len(url_list)), 500):  # bounded IN lists
            same = Article.content_hash.in_(hash_list[first : first + 500])
            if url_list[first : first + 500]:
                same = or_(same, Article.url.in_(url_list[first : first + 500]))
            query = select(Article.id, Article.content_hash, Article.url, Article.ingest_chunk_id)
            rows = session.execute(query.where(and_(Article.account_id == account_id, same)))
            for article_id, digest, url, chunk_id in rows:
                found.setdefault((account_id, "hash", digest), (article_id, chunk_id))
                if url:
                    found.setdefault((account_id, "url", url), (article_id, chunk_id))
    return found


def _article_row(new: _New, version: str, now: Any, chunk_id: int | None) -> dict[str, Any]:
    p = new.prepared
    return {
        "account_id": new.account_id,
        "title": p.title,
        "url": p.url,
        "published_at": p.published_at,
        "text": p.text,
        "content_hash": p.digest,
        "lexicon_version": version,
        "ingested_at": now,
        "ingest_chunk_id": chunk_id,
    }


def _hit_rows(article_id: int, hits: list[HitDict], version: str, now: Any) -> list[dict[str, Any]]:
    return [HitRecord.row(h, version, article_id, now) for h in hits]


def _insert(
    session: Session, chunk: list[_New], found: list[list[HitDict]], version: str, origin: Origin | None
) -> list[int]:
    now = utcnow()
    if origin is not None:
        origin.fence(session)  # first: on PostgreSQL it holds the chunk's row until this transaction ends
    chunk_id = origin.chunk_id if origin is not None else None
    connection = session.connection()
    rows = [_article_row(n, version, now, chunk_id) for n in chunk]
    copies = connection.dialect.name == "postgresql" and connection.dialect.driver == "psycopg"
    if copies:
        # COPY: no statement of thousands of parameters for the driver to build and the server to parse
        # (the ids are drawn from the table's sequence first, as its default would).
        ids = list(connection.execute(_NEXT_IDS, {"n": len(rows)}).scalars())
        _copy(connection, Article.__table__, [{"id": i} | row for i, row in zip(ids, rows, strict=True)])
    elif connection.dialect.name == "sqlite":
        # SQLite: the write lock is held from the transaction's start (app.db), so the next ids are those
        # after the largest, as SQLite would choose them; one statement prepared once, run for every row.
        last = connection.execute(select(func.coalesce(func.max(Article.id), 0))).scalar_one()
        ids = list(range(last + 1, last + 1 + len(rows)))
        connection.execute(insert(Article.__table__), [{"id": i} | row for i, row in zip(ids, rows, strict=True)])
    else:  # another driver: one INSERT of many rows, their ids returned in the rows' order
        statement = insert(Article.__table__).returning(Article.__table__.c.id, sort_by_parameter_order=True)
        ids = list(connection.execute(statement, rows).scalars())
    hit_rows = [
        row for article_id, hits in zip(ids, found, strict=True) for row in _hit_rows(article_id, hits, version, now)
    ]
    if hit_rows and copies:
        _copy(connection, HitRecord.__table__, hit_rows)
    elif hit_rows:
        connection.execute(insert(HitRecord.__table__), hit_rows)
    return ids


_NEXT_IDS = text("SELECT nextval(pg_get_serial_sequence('article', 'id')) FROM generate_series(1, :n)")


def _copy(connection: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """rows (all with the same keys) into table by COPY, in the session's transaction on PostgreSQL, with
    each column's type converting the values as an INSERT would; a unique or foreign key violation raises
    IntegrityError as an INSERT's does."""
    import psycopg

    columns = [table.c[name] for name in rows[0]]
    convert = [(c.name, c.type.bind_processor(connection.dialect), c.type) for c in columns]
    names = ", ".join(connection.dialect.identifier_preparer.quote(c.name) for c in columns)
    statement = f"COPY {connection.dialect.identifier_preparer.format_table(table)} ({names}) FROM STDIN"
    raw = connection.connection.driver_connection
    assert isinstance(raw, psycopg.Connection)
    try:
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row([_bound(row[name], process, kind) for name, process, kind in convert])
    except psycopg.IntegrityError as exc:
        raise IntegrityError(statement, None, exc) from exc


def _bound(value: Any, process: Callable[[Any], Any] | None, kind: Any) -> Any:
    if isinstance(kind, UtcDateTime):
        return kind.process_bind_param(value, None)
    if isinstance(kind, JSON):
        return None if value is None else json.dumps(value)
    return process(value) if process is not None else value


def _write_chunk(
    sessions: Callable[[], Session],
    chunk: list[_New],
    found: list[list[HitDict]],
    version: str,
    ids: dict[int, int],
    result: BatchResult,
    origin: Origin | None,
) -> None:
    try:
        with sessions() as session:
            stored = _insert(session, chunk, found, version, origin)
            session.commit()
    except Fenced:
        raise
    except IntegrityError:
        # Another request stored one of these meanwhile: one article per transaction tells which.
        for new, hits in zip(chunk, found, strict=True):
            _write_one(sessions, new, hits, version, ids, result, origin)
        return
    except Exception:
        log.exception("writing a batch of articles failed")
        for new in chunk:
            result.errors.append(BatchError(index=new.index, code="internal_error", error=INTERNAL))
        return
    for new, article_id, hits in zip(chunk, stored, found, strict=True):
        ids[new.index] = article_id
        result.created.append(BatchCreated(index=new.index, id=article_id, hits=len(hits)))


def _write_one(
    sessions: Callable[[], Session],
    new: _New,
    hits: list[HitDict],
    version: str,
    ids: dict[int, int],
    result: BatchResult,
    origin: Origin | None,
) -> None:
    for _attempt in range(2):
        try:
            with sessions() as session:
                existing = _stored(session, [(new.index, new.prepared, new.account_id)])
                key = (new.account_id, "hash", new.prepared.digest)
                url_key = (new.account_id, "url", new.prepared.url or "")
                found = existing.get(key) or existing.get(url_key)
                if found is not None:
                    session.commit()
                    article_id, writer = found
                    ids[new.index] = article_id
                    if origin is not None and writer == origin.chunk_id:
                        # Another attempt of this chunk wrote it after this one looked: that attempt is
                        # fenced and records nothing, so it is counted once, here.
                        result.created.append(BatchCreated(index=new.index, id=article_id, hits=len(hits)))
                    else:
                        result.duplicates.append(BatchDuplicate(index=new.index, id=article_id))
                    return
                [article_id] = _insert(session, [new], [hits], version, origin)
                session.commit()
        except Fenced:
            raise
        except IntegrityError:
            continue  # stored concurrently between the look and the write: look again
        except Exception:
            log.exception("ingesting an article failed")
            break
        ids[new.index] = article_id
        result.created.append(BatchCreated(index=new.index, id=article_id, hits=len(hits)))
        return
    result.errors.append(BatchError(index=new.index, code="internal_error", error=INTERNAL))
