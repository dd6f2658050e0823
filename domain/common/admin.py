"""Admin base (SPEC §8; manual 004 §2.3): an operator (site staff) sees only their own site's
rows, and only the models their site's policy uses; the platform superuser sees everything.

Reviews are list actions and object-page buttons that call the same services as the API, so
the events, SMS and refusals are the API's: a refusal (DomainError) is shown as an admin error
message and changes nothing. Private files open through the services' permission-checked,
access-logged downloads.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from domain.common.capabilities import Capability, account_can
from domain.common.errors import DomainError, ValidationFailed
from domain.common.files import download_name, file_response
from domain.common.masking import mask_name, mask_phone

# (content type, download name without extension, open file), from a service's download.
FileOpener = Callable[[], tuple[str, str, object]]

APPROVE = pgettext_lazy("admin", "Approve")
REJECT = pgettext_lazy("admin", "Reject")
APPROVE_SELECTED = _("Approve the selected items")
REJECT_SELECTED = _("Reject the selected items (with a reason)")
DONE = {
    "approve": _("%(object)s: approved."),
    "reject": _("%(object)s: rejected."),
}


class SiteScopedAdmin(admin.ModelAdmin):
    site_field = "site"
    # Operators see the model only when their site's policy lists this feature (SPEC §2).
    site_feature: str | None = None

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{self.site_field: request.user.site_id})

    def get_list_filter(self, request):
        filters = super().get_list_filter(request)
        if request.user.is_superuser:
            return filters
        return [f for f in filters if f != "site"]  # one site: nothing to filter by

    def site_applies(self, site) -> bool:
        """Whether this model belongs on the admin of `site`'s operators."""
        return self.site_feature is None or self.site_feature in site.rules.features

    def _is_operator(self, request) -> bool:
        """The platform superuser, or staff of a site this model applies to. Always a bool:
        Django lists a model on the index only when a permission `is True`."""
        user = request.user
        if not (user.is_active and user.is_staff):
            return False
        if user.is_superuser:
            return True
        site = user.site if user.site_id else None
        return bool(
            site is not None
            and account_can(user, site, Capability.SITE_READ)
            and self.site_applies(site)
        )

    def has_module_permission(self, request):
        return self._is_operator(request)

    def has_view_permission(self, request, obj=None):
        return self._is_operator(request)

    def has_change_permission(self, request, obj=None):
        return self._is_operator(request)

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    # --- helpers for object pages with extra views --------------------------------------

    def object_or_404(self, request, object_id):
        """The object, in the operator's scope; PermissionDenied for a non-operator."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        return obj

    def admin_url(self, name: str, obj, *args) -> str:
        """The URL of this admin's view `name` (change, approve, …) for `obj`."""
        return reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_{name}",
            args=[obj.pk, *args],
            current_app=self.admin_site.name,
        )

    def object_label(self, obj) -> str:
        """How messages and confirmation pages name `obj`."""
        return str(obj)

    def refuse(self, request, obj, error: DomainError) -> None:
        """A service's refusal as admin error messages, one per field error."""
        errors = error.errors if isinstance(error, ValidationFailed) else [error]
        for each in errors:
            self.message_user(request, f"{self.object_label(obj)}: {each.message}", messages.ERROR)

    def file_download(self, request, obj, open_file: FileOpener):
        """A private file from a service's download (which checks and logs the read), answered
        as the API answers files (nosniff, no-store)."""
        try:
            content_type, stem, file = open_file()
        except DomainError as error:
            self.refuse(request, obj, error)
            return redirect(self.admin_url("change", obj))
        filename = download_name(stem, content_type)
        return file_response(file, content_type=content_type, filename=filename)

    def links(self, items: list[tuple[str, str]]):
        return format_html_join(mark_safe("<br>"), '<a href="{}">{}</a>', items)  # noqa: S308


class ReviewAdmin(SiteScopedAdmin):
    """Approve, or reject with a reason, as list actions and object-page buttons.

    Subclasses call their services in `review_<verb>` (`review_approve` / `review_reject`);
    objects whose status is `review_status` get a button for each of `review_verbs`. A subclass
    with more verbs adds their labels, confirmation questions and done messages to the tables.
    """

    change_form_template = "admin/review_change_form.html"
    confirm_template = "admin/review_confirm.html"
    actions = ["approve", "reject"]
    review_status = "pending"
    review_verbs: tuple[str, ...] = ("approve", "reject")  # object-page buttons and their URLs
    # verb → (button label, list action label)
    verb_labels = {"approve": (APPROVE, APPROVE_SELECTED), "reject": (REJECT, REJECT_SELECTED)}
    confirm_questions = {"approve": _("The applicant is told the result by SMS.")}
    done_messages = DONE

    def review_approve(self, request, obj) -> None:
        raise NotImplementedError

    def review_reject(self, request, obj, *, reason: str) -> None:
        raise NotImplementedError

    def _review(self, request, obj, verb: str, **kwargs) -> bool:
        try:
            getattr(self, f"review_{verb}")(request, obj, **kwargs)
        except DomainError as error:
            self.refuse(request, obj, error)
            return False
        self.message_user(
            request,
            self.done_messages[verb] % {"object": self.object_label(obj)},
            messages.SUCCESS,
        )
        return True

    # --- list actions -------------------------------------------------------------------

    def review_each(self, request, queryset, verb: str) -> None:
        """`verb` for each selected object on its own: a refusal is that row's error message
        and does not stop, or undo, the others (each service call is its own transaction)."""
        for obj in queryset:
            self._review(request, obj, verb)

    @admin.action(description=APPROVE_SELECTED)
    def approve(self, request, queryset):
        self.review_each(request, queryset, "approve")

    @admin.action(description=REJECT_SELECTED)
    def reject(self, request, queryset):
        objects = list(queryset)
        if "apply" not in request.POST:  # first ask for the reason
            return self._confirm(request, objects, "reject", action=True)
        for obj in objects:
            self._review(request, obj, "reject", reason=request.POST.get("reason", ""))
        return None

    # --- object pages -------------------------------------------------------------------

    def get_urls(self):
        info = f"{self.opts.app_label}_{self.opts.model_name}"
        view = self.admin_site.admin_view
        return [
            *(
                path(
                    f"<path:object_id>/{verb}/",
                    view(getattr(self, f"{verb}_view")),
                    name=f"{info}_{verb}",
                )
                for verb in self.review_verbs
            ),
            *super().get_urls(),
        ]

    def approve_view(self, request, object_id):
        obj = self.object_or_404(request, object_id)
        if request.method == "POST":
            self._review(request, obj, "approve")
            return redirect(self.admin_url("change", obj))
        return self._confirm(request, [obj], "approve")

    def reject_view(self, request, object_id):
        obj = self.object_or_404(request, object_id)
        reason = request.POST.get("reason", "")
        if request.method == "POST" and self._review(request, obj, "reject", reason=reason):
            return redirect(self.admin_url("change", obj))
        return self._confirm(request, [obj], "reject", reason=reason)

    def _confirm(self, request, objects, verb: str, *, action: bool = False, reason: str = ""):
        """The page that asks before a review: a confirmation, or the rejection's reason."""
        reject = verb == "reject"
        single = not action and len(objects) == 1
        label, selected_label = self.verb_labels[verb]
        title = f"{label}: {self.object_label(objects[0])}" if single else selected_label
        cancel_url = (
            self.admin_url("change", objects[0])
            if single
            else reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "objects": [(obj.pk, self.object_label(obj)) for obj in objects],
            "action": verb if action else "",
            "with_reason": reject,
            "reason": reason,
            "reason_label": _("Reason (sent by SMS)"),
            "question": self.confirm_questions.get(verb, ""),
            "submit_label": label,
            "cancel_label": pgettext_lazy("admin", "Cancel"),
            "cancel_url": cancel_url,
            "form_action": "" if single else request.get_full_path(),
        }
        return TemplateResponse(request, self.confirm_template, context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.status == self.review_status:
            context["review_tools"] = [
                {"url": self.admin_url(verb, obj), "label": self.verb_labels[verb][0], "css": verb}
                for verb in self.review_verbs
            ]
        return super().render_change_form(request, context, add, change, form_url, obj)


class MaskedPersonMixin:
    """A person's name and mobile as every list shows them (SPEC §13 "Masking in lists"), for
    an admin whose model has `name` and `mobile`."""

    @admin.display(description=pgettext_lazy("admin", "name"))
    def masked_name(self, obj):
        return mask_name(obj.name)

    @admin.display(description=pgettext_lazy("admin", "mobile"))
    def masked_mobile(self, obj):
        return mask_phone(obj.mobile)


class ReadOnlyMixin:
    """Never edited, added or deleted in the admin (a model admin or an inline)."""

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(ReadOnlyMixin, admin.TabularInline):
    """An object's rows shown on its page (its history, a statement's rows), never edited:
    whoever may view the object sees them (Django would ask for a model permission)."""

    extra = 0
    can_delete = False

    def has_view_permission(self, request, obj=None):
        return self.admin_site._registry[self.parent_model].has_view_permission(request, obj)


class ReadOnlyReviewAdmin(ReadOnlyMixin, ReviewAdmin):
    """A request that is only reviewed (approve / reject), never edited, added or deleted."""
