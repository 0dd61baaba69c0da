"""The manager's CSAT pages: upload a month's file, download the template,
read one import's results."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from leaderboard.csat import (
    CsatClash,
    CsatReading,
    CsatRejected,
    csat_settings,
    import_csat,
    read_csat,
)
from leaderboard.csat_sheets import MAX_FILE_BYTES, MAX_ROWS, template_workbook
from leaderboard.models import CsatImport
from people.permissions import manager_required
from uploads.spreadsheets import UnreadableFile

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RECENT_MONTHS = 24


class CsatUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet"),
        widget=forms.FileInput(attrs={"accept": ".xlsx,.csv"}),
        help_text=gettext_lazy(
            "An .xlsx workbook or a CSV file of one month, up to 5 MB and 10000 rows."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("The file is larger than 5 MB. Split it into parts.")
            )
        return upload


@manager_required
@require_http_methods(["GET", "POST"])
def csat(request: HttpRequest) -> HttpResponse:
    form = CsatUploadForm(request.POST or None, request.FILES or None)
    problems = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            reading = read_csat(upload.read(), file_name=upload.name)
            batch = import_csat(
                reading=reading, file_name=upload.name, uploaded_by=request.user
            )
        except UnreadableFile as error:
            form.add_error("file", str(error))
        except CsatRejected as rejected:
            problems = rejected.problems
        except CsatClash:
            form.add_error(
                "file",
                _(
                    "Another file for this month was imported at the same moment. "
                    "Check the latest imports before importing again."
                ),
            )
        else:
            messages.success(request, _imported_note(batch, reading))
            url = reverse("leaderboard:csat_detail", args=[batch.pk])
            if request.htmx:
                return HttpResponseClientRedirect(url)
            return redirect(url)
    min_ratings, prior_weight = csat_settings()
    context = {
        "form": form,
        "problems": problems,
        "min_ratings": min_ratings,
        "prior_weight": prior_weight,
        "max_rows": MAX_ROWS,
        "max_megabytes": MAX_FILE_BYTES // (1024 * 1024),
    }
    if request.htmx:
        return render(request, "leaderboard/csat.html#upload", context)
    context["imports"] = _latest_imports()
    return render(request, "leaderboard/csat.html", context)


@manager_required
@require_GET
def csat_template(request: HttpRequest) -> HttpResponse:
    min_ratings, prior_weight = csat_settings()
    content = template_workbook(min_ratings=min_ratings, prior_weight=prior_weight)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=_("csat-template.xlsx")
    )
    return response


@manager_required
@require_GET
def csat_detail(request: HttpRequest, import_id: int) -> HttpResponse:
    batch = get_object_or_404(
        CsatImport.objects.with_counts().select_related("uploaded_by", "replaces"),
        pk=import_id,
    )
    results = list(batch.results.select_related("person", "person__team"))
    for result in results:
        result.csat_import = batch  # below_minimum reads it; no query per row
        result.raw_percent = result.raw_rate * 100 if result.rated else None
        result.adjusted_percent = result.adjusted * 100
    # Who earned points first, then the rest, the under-minimum last.
    results.sort(key=lambda r: (r.below_minimum, -r.points, -r.adjusted, r.row))
    context = {
        "batch": batch,
        "results": results,
        "replaced_by": getattr(batch, "replaced_by", None),
        "center_percent": batch.center * 100,
    }
    return render(request, "leaderboard/csat_detail.html", context)


def _latest_imports() -> list[CsatImport]:
    """The import that counts for each of the latest months, with how many
    times that month was imported."""
    imports = list(
        CsatImport.objects.current()
        .with_counts()
        .select_related("uploaded_by")
        .order_by("-period")[:RECENT_MONTHS]
    )
    times = dict(
        CsatImport.objects.filter(period__in=[i.period for i in imports])
        .values_list("period")
        .annotate(count=Count("id"))
    )
    for batch in imports:
        batch.times_imported = times.get(batch.period, 1)
        batch.center_percent = batch.center * 100
    return imports


def _imported_note(batch: CsatImport, reading: CsatReading) -> str:
    note = ngettext(
        "Imported %(count)s result for %(period)s.",
        "Imported %(count)s results for %(period)s.",
        batch.row_count,
    ) % {"count": batch.row_count, "period": batch.period_key}
    if batch.replaces_id:
        note += " " + _(
            "It replaces the file imported on %(date)s: those points were reversed."
        ) % {"date": f"{timezone.localtime(batch.replaces.uploaded_at):%Y-%m-%d %H:%M}"}
    if reading.ignored_columns:
        note += " " + _("Columns not recognised and skipped: %(names)s.") % {
            "names": "、".join(reading.ignored_columns)
        }
    return note
