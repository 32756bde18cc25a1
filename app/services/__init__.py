"""Domain operations on the database. Each function takes keyword arguments, owns its transaction
(commits or rolls back before returning) and raises ServiceError with a Chinese message; no FastAPI."""
