"""Out-of-scope report rows for the scoping walker (tests/test_scoping.py `other_county`): a
report template of the marker union in 开封市鼓楼区, its title and text carrying the marker."""

from nuanjia.reports.models import ReportTemplate


def report_rows(union, marker: str) -> dict[str, int]:
    template = ReportTemplate.objects.create(
        org=union, title=marker, body=f"{marker}：救助金{{relief.grants_paid|period|元}}元"
    )
    return {"report_template_id": template.pk}
