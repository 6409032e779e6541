"""Which measures of the higher plan a local task implements: suggested by text similarity,
confirmed by the office; and the higher plan's measures no local task covers yet."""

import math
import re
from collections import Counter
from dataclasses import dataclass

from tasks.models import Task

SUGGESTIONS = 3
MIN_SCORE = 0.05
TITLE_WEIGHT = 3  # a task's title says more about what it is than its long content
NOISE = re.compile(r"[^\u4e00-\u9fa5A-Za-z0-9]")
STOP = {"产业", "工人", "业工", "改革", "队伍", "建设", "加强", "推进", "开展", "工作", "企业"}


def profile(task):
    """Character bigrams of the task's title and content, the title counted more."""
    counts = Counter()
    for text, weight in ((task.title, TITLE_WEIGHT), (task.content, 1)):
        text = NOISE.sub("", text or "")
        for i in range(len(text) - 1):
            gram = text[i : i + 2]
            if gram not in STOP:
                counts[gram] += weight
    return counts


def cosine(a, b):
    if not a or not b:
        return 0.0
    dot = sum(v * b[k] for k, v in a.items() if k in b)
    norm = math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values()))
    return dot / norm


@dataclass
class Alignment:
    task: Task
    suggestions: list  # (parent task, score), best first


def align(plan):
    """Suggestions for each task of `plan` among its parent plan's tasks (two queries)."""
    local = list(Task.objects.filter(plan=plan).select_related("parent_task"))
    higher = []
    if plan.parent_id:
        higher = list(Task.objects.filter(plan=plan.parent_id).order_by("seq"))
    profiles = {t.pk: profile(t) for t in higher}
    rows = []
    for task in local:
        mine = profile(task)
        scored = sorted(
            ((p, cosine(mine, profiles[p.pk])) for p in higher), key=lambda pair: -pair[1]
        )
        rows.append(Alignment(task, [(p, s) for p, s in scored[:SUGGESTIONS] if s >= MIN_SCORE]))
    covered = {t.parent_task_id for t in local if t.parent_task_id}
    uncovered = [p for p in higher if p.pk not in covered]
    return rows, uncovered
