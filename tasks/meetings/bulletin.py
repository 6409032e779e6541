"""通报: a .docx drafted from a meeting's snapshots, for the office to edit. Every number is
counted from the snapshots and every quote names the accepted report it comes from (the
appendix lists them with links); nothing is written but the fixed sentences below, filled in."""

from docx import Document
from docx.shared import Pt

from tasks.meetings.changes import counts
from tasks.models import Light, TaskSnapshot

LAGGING = {Light.RED: "红灯", Light.YELLOW: "黄灯"}


def write_bulletin(meeting, *, output, base_url=""):
    """The meeting's 通报 to `output`; links to reports start with `base_url`. Two queries."""
    snapshots = list(
        TaskSnapshot.objects.filter(meeting=meeting)
        .select_related("plan", "report__unit", "report__task__plan")
        .defer("plan__source_text", "report__task__plan__source_text")
    )
    document = Document()
    document.styles["Normal"].font.size = Pt(12)
    document.add_heading(f"关于{meeting.title}有关情况的通报", level=0)
    day = meeting.held_on
    document.add_paragraph(f"{meeting.office.name}　{day.year}年{day.month}月{day.day}日")
    sources = []
    for plan, plan_snapshots in by_plan(snapshots):
        write_plan(document, plan, plan_snapshots, sources)
    write_sources(document, sources, base_url)
    document.save(output)


def by_plan(snapshots):
    plans = {}
    for snap in snapshots:
        plans.setdefault(snap.plan_id, (snap.plan, []))[1].append(snap)
    return plans.values()


def write_plan(document, plan, snapshots, sources):
    found = counts(snapshots)
    document.add_heading(plan.title, level=1)
    document.add_paragraph(
        f"截至本次督查会，{plan.title}共有任务{found['tasks']}项，已完成{found['done']}项，"
        f"正常推进（绿灯）{found[Light.GREEN]}项，进度滞后（黄灯）{found[Light.YELLOW]}项，"
        f"逾期或未按时报送（红灯）{found[Light.RED]}项。"
    )
    for section, tasks in by_section(snapshots):
        part = counts(tasks)
        document.add_heading(section or "其他任务", level=2)
        document.add_paragraph(
            f"本部分共{part['tasks']}项任务，已完成{part['done']}项，"
            f"红灯{part[Light.RED]}项，黄灯{part[Light.YELLOW]}项。"
        )
        for snap in tasks:
            if snap.report is not None:
                sources.append(snap.report)
                document.add_paragraph(
                    f"{snap.row[0]}. {snap.row[2]}：“{snap.report.progress}”〔{len(sources)}〕",
                    style="List Bullet",
                )
    write_lagging(document, snapshots)
    write_figures(document, snapshots)
    write_instructions(document, snapshots)


def by_section(snapshots):
    sections = {}
    for snap in snapshots:
        sections.setdefault(snap.section, []).append(snap)
    return sections.items()


def units_of(snap):
    lead = "、".join(name for name, role in snap.units if role == "lead")
    support = "、".join(name for name, role in snap.units if role == "support")
    return f"{lead or '未明确'}牵头" + (f"，{support}配合" if support else "")


def write_lagging(document, snapshots):
    lagging = [s for s in snapshots if s.light in LAGGING]
    document.add_heading("需要加快推进的任务", level=2)
    if not lagging:
        document.add_paragraph("本次督查会各项任务均无红灯、黄灯。")
    for snap in lagging:
        reasons = "；".join(snap.reasons) or "—"
        document.add_paragraph(
            f"{snap.row[0]}. {snap.row[2]}（{units_of(snap)}）：{LAGGING[snap.light]}，{reasons}。",
            style="List Bullet",
        )


def write_figures(document, snapshots):
    figures = [(snap, f) for snap in snapshots for f in snap.figures]
    if not figures:
        return
    document.add_heading("量化指标完成情况", level=2)
    for snap, figure in figures:
        done = f"已完成{figure['actual']}" if figure["actual"] else "尚未报送完成数"
        document.add_paragraph(
            f"{snap.row[0]}. {snap.row[2]}：{figure['indicator']}，{done}。", style="List Bullet"
        )


def write_instructions(document, snapshots):
    open_ones = [(snap, i) for snap in snapshots for i in snap.instructions if not i["answered_on"]]
    if not open_ones:
        return
    document.add_heading("尚未办理的领导批示", level=2)
    for snap, instruction in open_ones:
        document.add_paragraph(
            f"{snap.row[0]}. {snap.row[2]}：{instruction['name']}，"
            f"应于{instruction['due_on']}前办理，尚未办理。",
            style="List Bullet",
        )


def write_sources(document, sources, base_url):
    document.add_heading("附：引用的进展报告", level=1)
    if not sources:
        document.add_paragraph("本通报未引用进展报告。")
    for n, report in enumerate(sources, start=1):
        reviewed = f"，{report.reviewed_at:%Y-%m-%d}审核通过" if report.reviewed_at else ""
        document.add_paragraph(
            f"〔{n}〕{report.unit.display_name} {report.period_label}进展报告{reviewed}："
            f"{base_url}{report.get_absolute_url()}"
        )
