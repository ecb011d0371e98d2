"""The roles a user may hold; one user may hold several."""

from enum import Enum


class Role(Enum):
    OFFICER = "officer"  # 经办人/信访员
    APPROVER = "approver"  # 审批员
    AUDITOR = "auditor"  # 审计员
    ADMIN = "admin"  # 管理员
