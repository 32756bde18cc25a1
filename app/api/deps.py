"""Dependencies shared by the routes."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from app.config import Settings
from app.detection.detector import Detector, DetectorHolder


def get_holder(request: Request) -> DetectorHolder:
    return request.app.state.detectors


def get_detector(request: Request) -> Detector:
    return request.app.state.detectors.current


def get_app_settings(request: Request) -> Settings:
    return request.app.state.settings


HolderDep = Annotated[DetectorHolder, Depends(get_holder)]
DetectorDep = Annotated[Detector, Depends(get_detector)]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]
