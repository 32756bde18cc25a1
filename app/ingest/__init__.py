"""Reading what is ingested or checked: saved WeChat pages, drafts to check, account lists (no database here)."""
