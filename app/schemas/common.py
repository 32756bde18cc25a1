"""Types shared by the request models."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

# Ids are INTEGER columns: PostgreSQL's int4 (SQLite's 64-bit integer is wider). A larger number can
# name nothing, and the database would refuse it with an error instead of a clean 404 or 422.
MAX_ID = 2**31 - 1
MAX_OFFSET = 10**9
MAX_PAGE_SIZE = 500

DbId = Annotated[int, Field(ge=1, le=MAX_ID)]
