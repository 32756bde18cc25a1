"""Reading what is ingested: saved WeChat pages and account lists (no database here)."""
