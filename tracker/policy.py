"""Policy data: values the rules use that an office may set, with DOMAIN.md's defaults.

An office overrides them in a TOML file named by TRACKER_POLICY_FILE; the
defaults describe one sub-district of 鼓楼区 as in the responsibility letter.
"""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from tracker.aggregates.approval import MAX_POSTING_DAYS
from tracker.errors import InvalidValue


class Community(BaseModel):
    model_config = ConfigDict(frozen=True)

    code: str = Field(pattern=r"^[a-z][a-z0-9-]{1,31}$")
    name: str = Field(min_length=1)


class PolicyGround(BaseModel):
    """A clause of the provincial regulation under which a second birth may be approved."""

    model_config = ConfigDict(frozen=True)

    code: str = Field(min_length=1)
    clause: str = Field(min_length=1)


DEFAULT_COMMUNITIES = (
    Community(code="xinmin", name="新民社区"),
    Community(code="dongjie", name="东街社区"),
    Community(code="nanmen", name="南门社区"),
    Community(code="sanfang", name="三坊社区"),
    Community(code="wenquan", name="温泉社区"),
)

DEFAULT_GROUNDS = (
    PolicyGround(code="both-only-children", clause="夫妻双方均为独生子女"),
    PolicyGround(code="one-only-child", clause="夫妻一方为独生子女（2014年修正）"),
    PolicyGround(
        code="child-disabled", clause="第一个子女经鉴定为非遗传性残疾，不能成长为正常劳动力"
    ),
    PolicyGround(code="remarried", clause="再婚夫妻，再婚前一方只生育一个子女，另一方未生育"),
    PolicyGround(code="universal-two", clause="全面两孩（2016年修正）"),
)


class Policy(BaseModel):
    model_config = ConfigDict(frozen=True)

    district: str = "鼓楼区"
    sub_district: str = "鼓东街道"
    communities: tuple[Community, ...] = DEFAULT_COMMUNITIES
    posting_days: int = Field(default=7, ge=1, le=MAX_POSTING_DAYS)
    collective_threshold: int = Field(default=5, ge=2)
    abolished_on: date = date(2021, 8, 20)
    policy_grounds: tuple[PolicyGround, ...] = DEFAULT_GROUNDS

    @model_validator(mode="after")
    def _codes_unique(self) -> Policy:
        for name, items in (
            ("communities", self.communities),
            ("policy_grounds", self.policy_grounds),
        ):
            codes = [item.code for item in items]
            if len(codes) != len(set(codes)) or not codes:
                raise ValueError(f"{name} must be a non-empty list with unique codes")
        return self

    @classmethod
    def load(cls, path: Path | None) -> Policy:
        if path is None:
            return cls()
        with path.open("rb") as file:
            return cls.model_validate(tomllib.load(file))

    def community(self, code: str | None) -> Community:
        for community in self.communities:
            if community.code == code:
                return community
        raise InvalidValue(field="community", problem="unknown community {code}", code=repr(code))

    def ground(self, code: str) -> PolicyGround:
        for ground in self.policy_grounds:
            if ground.code == code:
                return ground
        raise InvalidValue(
            field="policy_ground", problem="unknown policy ground {code}", code=repr(code)
        )
