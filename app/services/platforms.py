"""Disclosure platforms: units and their columns, the office's cycles per column name, imports; and the inputs of
the platform check (`app.reports.platforms`) from the stored data."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.ingest.platforms_file import PlatformRow
from app.models import DisclosureColumn, DisclosureColumnUpdate, DisclosureCycle, DisclosureUnit, Organization
from app.reports.cycles import DEFAULT_CYCLES, UpdateCycle, default_cycle, parse_cycle
from app.reports.platforms import ColumnInput, UnitInput, UnitKind
from app.schemas.platforms import (
    ColumnCreate,
    ColumnPublic,
    ColumnUpdate,
    CyclePublic,
    CyclesPublic,
    ImportReport,
    TownPublic,
    UnitCreate,
    UnitPublic,
    UnitUpdate,
)
from app.services.accounts import organization_named
from app.services.errors import Conflict, Invalid, NotFound


def _not_found(unit_id: int) -> NotFound:
    return NotFound("platform_not_found", f"信息公开平台不存在：编号 {unit_id}")


def _town_named(session: Session, name: str) -> DisclosureUnit:
    town = session.scalar(select(DisclosureUnit).where(DisclosureUnit.name == name))
    if town is None or town.kind != UnitKind.town.value:
        raise Invalid("town_not_found", f"所属镇办“{name}”{'不是镇办' if town else '未登记'}：请先登记为镇办")
    return town


def _organization_for(
    session: Session, *, name: str, organization: str | None, town: DisclosureUnit | None
) -> Organization | None:
    """The named organisation; else a village's town's; else an existing organisation of the unit's own name."""
    if organization:
        return organization_named(session=session, name=organization)
    if town is not None:
        return town.organization
    return session.scalar(select(Organization).where(Organization.name == name))


def office_cycles(session: Session) -> dict[str, UpdateCycle]:
    return {row.name: parse_cycle(row.cycle) for row in session.scalars(select(DisclosureCycle))}


def to_public(unit: DisclosureUnit, cycles: dict[str, UpdateCycle]) -> UnitPublic:
    columns = []
    for column in unit.columns:
        own = parse_cycle(column.cycle) if column.cycle else None
        effective, source = own, "column" if own else None
        if effective is None and column.name in cycles:
            effective, source = cycles[column.name], "office"
        if effective is None and (national := default_cycle(column.name)) is not None:
            effective, source = national, national.source
        updates = [u.updated_on for u in column.updates]
        columns.append(
            ColumnPublic(
                id=column.id,
                name=column.name,
                cycle=column.cycle,
                effective_cycle=effective.label if effective else None,
                cycle_source=source,
                last_updated=max(updates) if updates else None,
                updates=updates,
            )
        )
    kind = UnitKind(unit.kind)
    return UnitPublic(
        id=unit.id,
        name=unit.name,
        kind=kind,
        kind_label=kind.label,
        town=TownPublic(id=unit.parent.id, name=unit.parent.name) if unit.parent else None,
        short_name=unit.short_name,
        organization=unit.organization.name if unit.organization else None,
        active=unit.active,
        columns=columns,
    )


def _loaded() -> object:
    return selectinload(DisclosureUnit.columns).selectinload(DisclosureColumn.updates)


def list_units(
    *,
    session: Session,
    kind: UnitKind | None = None,
    active: bool | None = None,
    q: str | None = None,
    limit: int = 50,
    offset: int = 0,
    organization_scope: int | None = None,
) -> tuple[list[UnitPublic], int]:
    query = select(DisclosureUnit)
    if organization_scope is not None:
        query = query.where(DisclosureUnit.organization_id == organization_scope)
    if kind is not None:
        query = query.where(DisclosureUnit.kind == kind.value)
    if active is not None:
        query = query.where(DisclosureUnit.active == active)
    if q:
        query = query.where(DisclosureUnit.name.contains(q, autoescape=True))
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    units = session.scalars(query.options(_loaded()).order_by(DisclosureUnit.id).limit(limit).offset(offset)).all()
    cycles = office_cycles(session)
    return [to_public(unit, cycles) for unit in units], total


def get_unit(*, session: Session, unit_id: int, organization_scope: int | None = None) -> DisclosureUnit:
    unit = session.get(DisclosureUnit, unit_id, options=[_loaded()])
    if unit is None or (organization_scope is not None and unit.organization_id != organization_scope):
        raise _not_found(unit_id)
    return unit


def public_unit(*, session: Session, unit: DisclosureUnit) -> UnitPublic:
    return to_public(unit, office_cycles(session))


def create_unit(*, session: Session, unit_in: UnitCreate) -> DisclosureUnit:
    if session.scalar(select(DisclosureUnit.id).where(DisclosureUnit.name == unit_in.name)) is not None:
        raise Conflict("platform_exists", f"责任单位“{unit_in.name}”已登记")
    town = _check_town(session, unit_in.kind, unit_in.town, unit_in.name)
    unit = DisclosureUnit(
        name=unit_in.name,
        kind=unit_in.kind.value,
        parent=town,
        short_name=unit_in.short_name,
        organization=_organization_for(session, name=unit_in.name, organization=unit_in.organization, town=town),
        active=unit_in.active,
    )
    session.add(unit)
    session.commit()
    return unit


def _check_town(session: Session, kind: UnitKind, town: str | None, name: str) -> DisclosureUnit | None:
    if kind is UnitKind.village:
        if not town:
            raise Invalid("town_required", f"村（居）“{name}”须填写所属镇办")
        return _town_named(session, town)
    if town:
        raise Invalid("town_not_allowed", f"只有村（居）才有所属镇办，“{name}”是{kind.label}")
    return None


def update_unit(*, session: Session, unit_id: int, unit_in: UnitUpdate) -> DisclosureUnit:
    unit = get_unit(session=session, unit_id=unit_id)
    given = unit_in.model_fields_set
    if "town" in given:
        unit.parent = _check_town(session, UnitKind(unit.kind), unit_in.town, unit.name)
    if "short_name" in given:
        unit.short_name = unit_in.short_name
    if "organization" in given:
        unit.organization = (
            organization_named(session=session, name=unit_in.organization) if unit_in.organization else None
        )
    if "active" in given:
        if unit_in.active is None:
            raise Invalid("active_required", "“是否启用”应为 true 或 false")
        unit.active = unit_in.active
    session.commit()
    return unit


def add_column(*, session: Session, unit_id: int, column_in: ColumnCreate) -> DisclosureUnit:
    unit = get_unit(session=session, unit_id=unit_id)
    if any(column.name == column_in.name for column in unit.columns):
        raise Conflict("column_exists", f"{unit.name}已有“{column_in.name}”栏目")
    column = DisclosureColumn(name=column_in.name, cycle=column_in.cycle)
    if column_in.updated_on is not None:
        column.updates.append(DisclosureColumnUpdate(updated_on=column_in.updated_on))
    unit.columns.append(column)
    session.commit()
    return unit


def update_column(*, session: Session, column_id: int, column_in: ColumnUpdate) -> DisclosureUnit:
    column = session.get(DisclosureColumn, column_id)
    if column is None:
        raise NotFound("column_not_found", f"栏目不存在：编号 {column_id}")
    if "cycle" in column_in.model_fields_set:
        column.cycle = column_in.cycle
    if column_in.updated_on is not None and all(u.updated_on != column_in.updated_on for u in column.updates):
        column.updates.append(DisclosureColumnUpdate(updated_on=column_in.updated_on))
    session.commit()
    return get_unit(session=session, unit_id=column.unit_id)


def list_cycles(*, session: Session) -> CyclesPublic:
    office = [
        CyclePublic(name=c.name, cycle=c.cycle)
        for c in session.scalars(select(DisclosureCycle).order_by(DisclosureCycle.id))
    ]
    national = [
        CyclePublic(name="、".join(words), cycle=cycle.label, source=cycle.source) for words, cycle in DEFAULT_CYCLES
    ]
    return CyclesPublic(office=office, national=national)


def set_cycle(*, session: Session, name: str, cycle: str) -> CyclesPublic:
    row = session.scalar(select(DisclosureCycle).where(DisclosureCycle.name == name))
    if row is None:
        session.add(DisclosureCycle(name=name, cycle=cycle))
    else:
        row.cycle = cycle
    session.commit()
    return list_cycles(session=session)


def import_platforms(*, session: Session, rows: Iterable[PlatformRow]) -> ImportReport:
    """Create or update units by name, add their columns and update dates, in one transaction. Towns and
    departments first, so a village may come before its town in the file."""
    rows = sorted(rows, key=lambda row: (row.kind is UnitKind.village, row.line))
    created = updated = columns_created = updates_added = 0
    errors: list[str] = []
    warnings: list[str] = []
    units: dict[str, DisclosureUnit] = {}
    first_line: dict[str, int] = {}
    for row in rows:
        unit = units.get(row.unit) or session.scalar(
            select(DisclosureUnit).options(_loaded()).where(DisclosureUnit.name == row.unit)
        )
        if unit is not None and unit.kind != row.kind.value:
            errors.append(
                f"第 {row.line} 行：“{row.unit}”已是{UnitKind(unit.kind).label}，不能改为{row.kind.label}，已跳过"
            )
            continue
        town = None
        if row.kind is UnitKind.village:
            town = units.get(row.town or "") or session.scalar(
                select(DisclosureUnit).where(DisclosureUnit.name == row.town)
            )
            if town is None or town.kind != UnitKind.town.value:
                errors.append(
                    f"第 {row.line} 行：所属镇办“{row.town}”{'不是镇办' if town else '未登记，也不在本文件中'}，已跳过"
                )
                continue
        if unit is None:
            unit = DisclosureUnit(
                name=row.unit,
                kind=row.kind.value,
                parent=town,
                short_name=row.short_name,
                organization=_organization_for(session, name=row.unit, organization=row.organization, town=town),
            )
            session.add(unit)
            created += 1
        elif row.unit not in first_line:
            changed = False
            if town is not None and unit.parent_id != town.id:
                unit.parent, changed = town, True
            if row.short_name and unit.short_name != row.short_name:
                unit.short_name, changed = row.short_name, True
            if row.organization and (unit.organization is None or unit.organization.name != row.organization):
                unit.organization, changed = organization_named(session=session, name=row.organization), True
            updated += changed
        units[row.unit] = unit
        first_line.setdefault(row.unit, row.line)
        if row.column is None:
            continue
        column = next((c for c in unit.columns if c.name == row.column), None)
        if column is None:
            column = DisclosureColumn(name=row.column, cycle=row.cycle_text)
            unit.columns.append(column)
            columns_created += 1
        elif row.cycle_text:
            column.cycle = row.cycle_text
        if row.updated is not None:
            if all(u.updated_on != row.updated for u in column.updates):
                column.updates.append(DisclosureColumnUpdate(updated_on=row.updated))
                updates_added += 1
        elif not column.updates:
            warnings.append(f"第 {row.line} 行：{row.unit}的“{row.column}”栏目没有更新日期，报告中按从未更新列出")
        if row.cycle is None and column.cycle is None and default_cycle(row.column) is None:
            if session.scalar(select(DisclosureCycle.id).where(DisclosureCycle.name == row.column)) is None:
                warnings.append(
                    f"第 {row.line} 行：{row.unit}的“{row.column}”栏目没有更新周期（国家规定也没有），"
                    "报告无法判断它是否超期：请在文件中填写，或为同名栏目设置周期"
                )
    session.commit()
    return ImportReport(
        created=created,
        updated=updated,
        columns_created=columns_created,
        updates_added=updates_added,
        errors=errors,
        warnings=warnings,
    )


def platform_inputs(*, session: Session) -> tuple[list[UnitInput], dict[str, UpdateCycle]]:
    """Every unit with its columns and update dates, in registration order, and the office's cycles."""
    units = session.scalars(select(DisclosureUnit).options(_loaded()).order_by(DisclosureUnit.id)).all()
    inputs = [
        UnitInput(
            key=unit.id,
            name=unit.name,
            kind=UnitKind(unit.kind),
            parent=unit.parent_id,
            short_name=unit.short_name,
            active=unit.active,
            columns=[
                ColumnInput(
                    column.name,
                    tuple(u.updated_on for u in column.updates),
                    parse_cycle(column.cycle) if column.cycle else None,
                )
                for column in unit.columns
            ],
        )
        for unit in units
    ]
    return inputs, office_cycles(session)
