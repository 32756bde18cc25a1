"""Errors the services raise: a stable code, a Chinese message and the HTTP status that fits."""

from __future__ import annotations


class ServiceError(Exception):
    status = 400

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


class NotFound(ServiceError):
    status = 404


class Conflict(ServiceError):
    status = 409


class TooLarge(ServiceError):
    status = 413


class Invalid(ServiceError):
    status = 422
