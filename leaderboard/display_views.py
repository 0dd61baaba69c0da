"""Wall displays: the TV's own page (no login; a token cookie once paired)
and the managers' pages to pair, edit and revoke displays."""

from __future__ import annotations

import io

import segno
from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from leaderboard import boards, displays
from leaderboard.models import Display, DisplayScope, Panel
from people.models import User
from people.permissions import manager_required

# Forms.


class DisplayForm(forms.ModelForm):
    panels = forms.MultipleChoiceField(
        label=_("Panels"),
        choices=Panel.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Shown one after another, in this order."),
    )

    class Meta:
        model = Display
        fields = [
            "name",
            "scope",
            "site",
            "team",
            "language",
            "panels",
            "rotate_seconds",
        ]
        help_texts = {
            "name": _("Where the TV is, e.g. “Floor 3, by the lifts”."),
            "site": _("Only when the display shows one site."),
            "team": _("Only when the display shows one team."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.initial.setdefault("panels", list(Panel.values))

    def clean(self):
        data = super().clean()
        scope = data.get("scope")
        if scope != DisplayScope.SITE:
            data["site"] = None
        elif not data.get("site"):
            self.add_error("site", _("Choose the site this display shows."))
        if scope != DisplayScope.TEAM:
            data["team"] = None
        elif not data.get("team"):
            self.add_error("team", _("Choose the team this display shows."))
        # Keep the canonical order whatever order the boxes were ticked in.
        data["panels"] = [p for p in Panel.values if p in (data.get("panels") or [])]
        return data

    def values(self) -> dict:
        return {field: self.cleaned_data[field] for field in self.Meta.fields}


class PairForm(DisplayForm):
    code = forms.CharField(
        label=_("Code on the TV"),
        max_length=12,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "class": "code-input",
            }
        ),
        help_text=_(
            "The eight characters the TV shows; dashes and spaces are ignored."
        ),
    )

    field_order = ["code"]

    def clean_code(self) -> str:
        code = displays.normalize_code(self.cleaned_data["code"])
        if len(code) != displays.CODE_LENGTH:
            raise forms.ValidationError(_("The code has eight characters."))
        return code


# The TV's pages.

# A TV refused a new code tries again after this long (static/js/display.js).
BUSY_RETRY_S = 60


def _set_token_cookie(response: HttpResponse, token: str) -> None:
    response.set_cookie(
        displays.TOKEN_COOKIE,
        token,
        max_age=displays.TOKEN_MAX_AGE,
        httponly=True,
        secure=settings.HTTPS,
        samesite="Lax",
    )


@never_cache
@require_GET
def board(request: HttpRequest) -> HttpResponse:
    """The TV's one address: the board once paired, else a pairing code."""
    token = request.COOKIES.get(displays.TOKEN_COOKIE)
    check = displays.check_token(token)
    if check.state == "ok":
        display = check.display
        board_ = boards.board_of(display)
        with translation.override(display.language):
            response = render(
                request,
                "leaderboard/display.html",
                {
                    "display": display,
                    "board_title": display.target_name,
                    "panels_html": boards.render_panels_in(
                        board_, display.language, tuple(display.panels)
                    ),
                    "updated_at": boards.stamp(),
                },
            )
        _set_token_cookie(response, token)  # renewed on every (nightly) load
        return response
    try:
        code, secret = displays.start_pairing(
            browser_secret=request.COOKIES.get(displays.PAIRING_COOKIE),
            address=request.META.get("REMOTE_ADDR", ""),
        )
    except displays.PairingThrottled:
        response = render(
            request,
            "leaderboard/display_busy.html",
            {
                "retry_ms": BUSY_RETRY_S * 1000,
                "lifetime_minutes": int(displays.CODE_LIFETIME.total_seconds() // 60),
            },
            status=429,
        )
        response["Retry-After"] = str(BUSY_RETRY_S)
        return response
    if code.display_id is not None:
        return _collect(request, then=redirect("leaderboard:display"))
    pair_url = request.build_absolute_uri(
        f"{reverse('leaderboard:display_pair')}?code={code.code}"
    )
    response = render(
        request,
        "leaderboard/display_pairing.html",
        {
            "code": displays.pretty_code(code.code),
            "expires_at": code.expires_at,
            "lifetime_minutes": int(displays.CODE_LIFETIME.total_seconds() // 60),
            "pair_url": pair_url,
            "qr_svg": _qr_svg(pair_url),
            "revoked": check.state == "revoked",
        },
    )
    response.set_cookie(
        displays.PAIRING_COOKIE,
        secret,
        max_age=displays.PAIRING_MAX_AGE,
        httponly=True,
        secure=settings.HTTPS,
        samesite="Lax",
    )
    if token:
        response.delete_cookie(displays.TOKEN_COOKIE, samesite="Lax")
    return response


@never_cache
@require_GET
def pairing_status(request: HttpRequest) -> HttpResponse:
    """Polled by the pairing page: "waiting", "expired" or "paired" (with the
    token cookie set, exactly once)."""
    return _collect(request, then=None)


def _collect(request: HttpRequest, *, then: HttpResponse | None) -> HttpResponse:
    collected = displays.collect_token(
        browser_secret=request.COOKIES.get(displays.PAIRING_COOKIE)
    )
    response = then or JsonResponse({"state": collected.state})
    if collected.state == "paired":
        _set_token_cookie(response, collected.token)
        response.delete_cookie(displays.PAIRING_COOKIE, samesite="Lax")
    return response


def _qr_svg(url: str) -> str:
    out = io.BytesIO()
    segno.make(url, error="m").save(
        out,
        kind="svg",
        scale=10,
        border=2,
        xmldecl=False,
        svgns=True,
        omitsize=True,  # sized by the page's CSS, drawn by its viewBox
        dark="#0b1220",
        light="#ffffff",
    )
    return out.getvalue().decode()


@require_GET
def avatar(request: HttpRequest, user_id: int) -> HttpResponse:
    """A person's avatar for the displays (media files need a login). Only
    for a display's token, only for people who show their picture."""
    check = displays.check_token(request.COOKIES.get(displays.TOKEN_COOKIE))
    if check.state != "ok":
        raise Http404
    person = (
        User.objects.active()
        .filter(pk=user_id, board_alias="")
        .exclude(avatar="")
        .first()
    )
    if person is None:
        raise Http404
    response = FileResponse(person.avatar.open("rb"), content_type="image/webp")
    response["Cache-Control"] = "private, max-age=86400"
    return response


# Managers' pages.


@manager_required
@require_GET
def display_list(request: HttpRequest) -> HttpResponse:
    shown = Display.objects.select_related("site", "team", "paired_by")
    context = {
        "displays": shown.filter(revoked_at__isnull=True),
        "revoked": shown.filter(revoked_at__isnull=False).order_by("-revoked_at")[:20],
        "display_url": request.build_absolute_uri(reverse("leaderboard:display")),
    }
    if request.htmx:
        return render(request, "leaderboard/display_list.html#display-rows", context)
    return render(request, "leaderboard/display_list.html", context)


@manager_required
@require_http_methods(["GET", "POST"])
def pair(request: HttpRequest) -> HttpResponse:
    typed = displays.normalize_code(request.GET.get("code", ""))[: displays.CODE_LENGTH]
    form = PairForm(request.POST or None, initial={"code": displays.pretty_code(typed)})
    if request.method == "POST" and form.is_valid():
        values = form.values()
        try:
            display = displays.claim_code(
                code=form.cleaned_data["code"], by=request.user, **values
            )
        except displays.PairingRefused as refused:
            form.add_error("code", refused.message)
        else:
            messages.success(
                request,
                _("“%(name)s” is paired: the TV shows the board in a few seconds.")
                % {"name": display.name},
            )
            return redirect("leaderboard:displays")
    return render(
        request, "leaderboard/display_form.html", {"form": form, "pairing": True}
    )


@manager_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, display_id: int) -> HttpResponse:
    display = get_object_or_404(Display.objects.not_revoked(), pk=display_id)
    form = DisplayForm(request.POST or None, instance=display)
    if request.method == "POST" and form.is_valid():
        displays.update_display(
            display=Display.objects.get(pk=display.pk), **form.values()
        )
        messages.success(request, _("Saved. The TV reloads with the new settings."))
        return redirect("leaderboard:displays")
    return render(
        request, "leaderboard/display_form.html", {"form": form, "display": display}
    )


@manager_required
@require_http_methods(["GET", "POST"])
def revoke(request: HttpRequest, display_id: int) -> HttpResponse:
    display = get_object_or_404(Display.objects.not_revoked(), pk=display_id)
    if request.method == "POST":
        displays.revoke_display(display=display, by=request.user)
        messages.success(
            request,
            _("“%(name)s” is revoked: the TV shows so and needs a new pairing.")
            % {"name": display.name},
        )
        return redirect("leaderboard:displays")
    return render(request, "leaderboard/display_revoke.html", {"display": display})
