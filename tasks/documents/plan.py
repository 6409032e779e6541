"""A plan as the parser reads it: its sections, tasks and targets, before anything is stored."""

from dataclasses import asdict, dataclass, field
from datetime import date


class ParseError(ValueError):
    """The text holds no plan the parser can read; the message says why, in Chinese."""


@dataclass
class ParsedTask:
    code: str
    title: str
    content: str
    lead: list = field(default_factory=list)
    support: list = field(default_factory=list)
    due: date | None = None
    indicators: list = field(default_factory=list)
    due_text: str = ""  # a 完成时限 that is no date (长期坚持, 每季度), kept as written
    # The item's field lines (责任单位：…), as found; read into the fields above.
    fields: list = field(default_factory=list, compare=False, repr=False)


@dataclass
class ParsedSection:
    code: str
    title: str
    tasks: list = field(default_factory=list)
    # Its heading's line and the text under the heading that is no task's.
    source: list = field(default_factory=list, compare=False, repr=False)


@dataclass
class ParsedPlan:
    title: str
    year: int | None
    sections: list
    doc_number: str = ""
    issued_on: date | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    # The body's paragraphs and table rows that became no part of a section or a task.
    unused: list = field(default_factory=list)

    def as_json(self):
        def number(value):
            return int(value) if value == value.to_integral_value() else float(value)

        return {
            "title": self.title,
            "year": self.year,
            "starts_on": self.starts_on and self.starts_on.isoformat(),
            "ends_on": self.ends_on and self.ends_on.isoformat(),
            "sections": [
                {
                    "code": s.code,
                    "title": s.title,
                    "tasks": [
                        {
                            "code": t.code,
                            "title": t.title,
                            "content": t.content,
                            "lead": t.lead,
                            "support": t.support,
                            "due": t.due.isoformat() if t.due else None,
                            "due_text": t.due_text,
                            "indicators": [
                                asdict(i) | {"value": number(i.value)} for i in t.indicators
                            ],
                        }
                        for t in s.tasks
                    ],
                }
                for s in self.sections
            ],
            "unused": self.unused,
        }

    @property
    def tasks(self):
        return [t for s in self.sections for t in s.tasks]
