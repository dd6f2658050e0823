"""Deposit matching in the Django admin: operators upload the receiving
account's statement, read the proposals, and confirm them with the services of the API
(domain.purchases.deposits), so approvals, events, SMS and refusals are the API's. Statements
and rows are read-only: a row's status moves only through the confirmation."""

from __future__ import annotations

from collections import defaultdict

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from domain.common.admin import ReadOnlyInline, ReadOnlyMixin, SiteScopedAdmin
from domain.common.errors import DomainError
from domain.sites.models import Site

from .deposits import deposit_matches_confirm, deposit_statement_upload
from .models import DepositStatement, DepositStatementRow

FEATURE = "purchases"
RowStatus = DepositStatementRow.Status
CONFIRM_PROPOSED = _("Confirm the proposed matches (approves their purchases)")
UPLOAD = _("Upload a bank statement")


class DepositStatementUploadForm(forms.Form):
    file = forms.FileField(
        label=pgettext_lazy("admin", "statement file"),
        help_text=_(
            "Excel (.xlsx) or CSV (UTF-8 or CP949) with the columns 거래일시, 입금자명 and 입금액."
        ),
    )
    # Only the platform superuser chooses; an operator uploads to their own site.
    site = forms.ModelChoiceField(queryset=Site.objects.all(), label=pgettext_lazy("admin", "site"))

    def clean_site(self):
        site = self.cleaned_data["site"]
        if FEATURE not in site.rules.features:
            raise forms.ValidationError(_("This site does not offer purchases."))
        return site


def _purchase_label(purchase) -> str:
    return f"#{purchase.pk} {purchase.corporate.name} · {purchase.deposit_amount:,}"


# A row's columns, in the statement's inline and in the rows' list.
ROW_COLUMNS = [
    "number",
    "deposited_at",
    "depositor",
    "amount",
    "status",
    "reason",
    "name_match",  # prefix: a cut-off depositor name, to check before confirming
    "proposed",
    "confirmed_purchase",
]


class RowColumnsMixin:
    @admin.display(description=pgettext_lazy("admin", "proposed purchase"))
    def proposed(self, obj):
        return _purchase_label(obj.proposed_purchase) if obj.proposed_purchase else "-"


class DepositRowInline(RowColumnsMixin, ReadOnlyInline):
    model = DepositStatementRow
    fields = [*ROW_COLUMNS, "confirmed_at"]
    readonly_fields = fields
    max_num = 0
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("proposed_purchase__corporate")


@admin.register(DepositStatement)
class DepositStatementAdmin(ReadOnlyMixin, SiteScopedAdmin):
    """Read-only: statements come in through the upload page, rows change only through the
    confirmation, and statements are kept as the evidence of the approvals."""

    site_feature = FEATURE
    list_display = ["file_name", "uploaded_by", "created_at", "row_count"]
    list_select_related = ["uploaded_by"]
    fields = ["site", "file_name", "uploaded_by", "created_at", "errors"]
    readonly_fields = fields
    inlines = [DepositRowInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(row_total=Count("rows"))

    @admin.display(description=pgettext_lazy("admin", "rows"), ordering="row_total")
    def row_count(self, obj):
        return obj.row_total

    def get_urls(self):
        view = self.admin_site.admin_view(self.upload_view)
        info = f"{self.opts.app_label}_{self.opts.model_name}"
        return [path("upload/", view, name=f"{info}_upload"), *super().get_urls()]

    def changelist_view(self, request, extra_context=None):
        extra = {"upload_url": reverse("admin:purchases_depositstatement_upload"), "upload": UPLOAD}
        return super().changelist_view(request, {**(extra_context or {}), **extra})

    def upload_view(self, request):
        """The upload page: the statement is read and matched like `POST purchases/deposits/`;
        the operator lands on the statement with its proposals."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        superuser = request.user.is_superuser
        form = DepositStatementUploadForm(request.POST or None, request.FILES or None)
        if not superuser:
            del form.fields["site"]
        if request.method == "POST" and form.is_valid():
            site = form.cleaned_data["site"] if superuser else request.user.site
            try:
                statement = deposit_statement_upload(
                    site=site, staff=request.user, file=form.cleaned_data["file"]
                )
            except DomainError as error:
                self.message_user(request, str(error.message), messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("%(rows)s rows read, %(errors)s left out; proposals are shown below.")
                    % {"rows": statement.rows.count(), "errors": len(statement.errors)},
                    messages.SUCCESS,
                )
                return redirect(self.admin_url("change", statement))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": UPLOAD,
            "form": form,
        }
        return TemplateResponse(request, "admin/purchases/depositstatement/upload.html", context)


@admin.register(DepositStatementRow)
class DepositStatementRowAdmin(RowColumnsMixin, ReadOnlyMixin, SiteScopedAdmin):
    """Rows of every statement; the list action confirms the proposed ones, a row's page
    confirms an ambiguous one with the candidate chosen."""

    site_field = "statement__site"
    site_feature = FEATURE
    change_form_template = "admin/purchases/depositstatementrow/change_form.html"
    list_display = ["statement", *ROW_COLUMNS]
    list_filter = ["status", "reason", "name_match"]
    search_fields = ["depositor"]
    list_select_related = ["statement", "proposed_purchase__corporate", "confirmed_purchase"]
    fields = ["statement", *ROW_COLUMNS, "confirmed_by", "confirmed_at"]
    readonly_fields = fields
    actions = ["confirm_proposed"]

    def object_label(self, obj) -> str:
        return _("Row %(number)s of %(file)s") % {
            "number": obj.number,
            "file": obj.statement.file_name,
        }

    def _confirm(self, request, pairs: list[tuple[DepositStatementRow, int]]) -> None:
        """Confirm (row, purchase id) pairs with the API's service, per site; one message each."""
        by_site = defaultdict(list)
        for row, purchase_id in pairs:
            by_site[row.statement.site].append((row, purchase_id))
        for site, site_pairs in by_site.items():
            rows = {row.pk: row for row, _ in site_pairs}
            outcomes = deposit_matches_confirm(
                site=site,
                staff=request.user,
                matches=[(row.pk, purchase_id) for row, purchase_id in site_pairs],
            )
            for outcome in outcomes:
                label = self.object_label(rows[outcome.row_id])
                if outcome.row is None:
                    self.message_user(request, f"{label}: {outcome.message}", messages.ERROR)
                else:
                    self.message_user(
                        request,
                        _("%(row)s: purchase #%(purchase)s approved.")
                        % {"row": label, "purchase": outcome.purchase_id},
                        messages.SUCCESS,
                    )

    @admin.action(description=CONFIRM_PROPOSED)
    def confirm_proposed(self, request, queryset):
        pairs = []
        for row in queryset.select_related("statement__site").order_by("statement", "number"):
            if row.status == RowStatus.PROPOSED and row.proposed_purchase_id:
                pairs.append((row, row.proposed_purchase_id))
            else:
                self.message_user(
                    request,
                    _("%(row)s: not a single proposal (%(status)s); skipped.")
                    % {"row": self.object_label(row), "status": row.get_status_display()},
                    messages.WARNING,
                )
        self._confirm(request, pairs)

    # --- a row's page: confirm with one of its candidates -------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view(self.confirm_view)
        info = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("<path:object_id>/confirm/<int:purchase_id>/", view, name=f"{info}_confirm"),
            *super().get_urls(),
        ]

    def confirm_view(self, request, object_id, purchase_id: int):
        row = self.object_or_404(request, object_id)
        if request.method == "POST":
            self._confirm(request, [(row, purchase_id)])
            return redirect(self.admin_url("change", row))
        purchase = row.candidates.select_related("corporate").filter(pk=purchase_id).first()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Confirm this deposit"),
            "objects": [(row.pk, self.object_label(row))],
            "question": _("Approve purchase %(purchase)s with this deposit?")
            % {"purchase": _purchase_label(purchase) if purchase else f"#{purchase_id}"},
            "submit_label": pgettext_lazy("admin", "Approve"),
            "cancel_label": pgettext_lazy("admin", "Cancel"),
            "cancel_url": self.admin_url("change", row),
            "form_action": "",
        }
        return TemplateResponse(request, "admin/review_confirm.html", context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.status in (RowStatus.PROPOSED, RowStatus.AMBIGUOUS):
            context["confirm_tools"] = [
                {
                    "url": self.admin_url("confirm", obj, purchase.pk),
                    "label": _("Confirm with %(purchase)s")
                    % {"purchase": _purchase_label(purchase)},
                }
                for purchase in obj.candidates.select_related("corporate")
            ]
        return super().render_change_form(request, context, add, change, form_url, obj)
