"""The REST API under /api/v1/: auth, errors, pagination; each app adds its router."""

from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

from nuanjia.accounts.api_auth import TokenAuth, VerifiedSessionAuth
from nuanjia.core.errors import RuleViolation
from nuanjia.core.openapi import finish_schema
from nuanjia.core.ratelimit import RateLimited
from nuanjia.core.routing import with_literal_table
from nuanjia.core.text import NOT_PARSED, take_parsed_json


def _docs(view):
    # Swagger UI sets inline styles; everything it loads still comes from our own static files.
    return login_not_required(csp_update({"style-src": [UNSAFE_INLINE]})(view))


class ObjectBodyParser(Parser):
    """A JSON body must be one object: an array or a bare value is refused (400), never read
    as an object whose fields are all missing or all defaults."""

    def parse_body(self, request):
        data = take_parsed_json(request)  # parsed once, by RefuseControlCharactersMiddleware
        if data is NOT_PARSED:
            data = super().parse_body(request)
        if not isinstance(data, dict):
            raise ValueError("the body must be a JSON object")
        return data


class NuanjiaAPI(NinjaAPI):
    """ninja's API, whose OpenAPI document lists every operation's error responses."""

    def get_openapi_schema(self, *args, **kwargs):
        return finish_schema(super().get_openapi_schema(*args, **kwargs))

    def _get_urls(self):
        """ninja's URL patterns, the literal paths found by a table before the walk
        (`core.routing`: the same view and match as the walk; the OpenAPI document keeps
        its order)."""
        return with_literal_table(super()._get_urls())


api = NuanjiaAPI(
    title="nuanjia 暖家 API",
    version="1.0.0",
    description=_("The nuanjia REST API. Staff clients authenticate with a bearer token."),
    auth=[TokenAuth(), VerifiedSessionAuth()],
    parser=ObjectBodyParser(),
    docs=Swagger(settings={"persistAuthorization": False}),
    docs_decorator=_docs,
    urls_namespace="api-1.0.0",
)


def error_body(code: str, message: str, field: str | None = None, **extra) -> dict:
    """The one shape of every API error: a code, a Chinese message and the field at fault."""
    return {"code": code, "message": message, "field": field, **extra}


def _field_of(error: dict) -> str | None:
    location = [
        str(part)
        for part in error.get("loc", [])
        if part not in ("body", "query", "path", "payload")
    ]
    return ".".join(location) or None


@api.exception_handler(ValidationError)
def on_validation_error(request, exc: ValidationError):
    first = exc.errors[0] if exc.errors else {}
    field = _field_of(first)
    message = (
        _("Invalid value for field %(field)s.") % {"field": field}
        if field
        else _("Invalid request.")
    )
    details = [{"field": _field_of(error), "detail": error.get("msg", "")} for error in exc.errors]
    return api.create_response(
        request, error_body("invalid", message, field, details=details), status=422
    )


@api.exception_handler(RuleViolation)
def on_rule_violation(request, exc: RuleViolation):
    return api.create_response(request, error_body(exc.code, exc.message, exc.field), status=400)


@api.exception_handler(RateLimited)
def on_rate_limited(request, exc: RateLimited):
    response = api.create_response(request, error_body(exc.code, exc.message), status=429)
    response["Retry-After"] = str(max(1, exc.retry_after))
    return response


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return api.create_response(
        request, error_body("unauthenticated", _("Sign in or send a valid API token.")), status=401
    )


@api.exception_handler(PermissionDenied)
def on_forbidden(request, exc):
    return api.create_response(
        request, error_body("forbidden", _("You do not have permission for this.")), status=403
    )


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return api.create_response(request, error_body("not_found", _("Not found.")), status=404)


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    return api.create_response(request, error_body("error", str(exc)), status=exc.status_code)


def register_routers() -> None:
    from nuanjia.orgs.api import router as orgs_router

    api.add_router("/", orgs_router)
    api.add_router("/people/", "nuanjia.people.api.router")
    api.add_router("/me/", "nuanjia.members.api.me_router")
    api.add_router("/me/requests", "nuanjia.hotline.api_member.router")
    api.add_router("/me/hardship-file", "nuanjia.hardship.api_member.router")
    api.add_router("/me/produce/", "nuanjia.produce.api_member.router")
    api.add_router("/members/", "nuanjia.members.api_staff.staff_router")
    api.add_router("/partner/", "nuanjia.members.api_partner.scan_router")
    api.add_router("/partner/campaigns/", "nuanjia.campaigns.api_settlements.partner_router")
    api.add_router("/partner/checks/", "nuanjia.campaigns.api_health.partner_router")
    api.add_router("/partner/campaigns/", "nuanjia.campaigns.api_trips.partner_router")
    api.add_router("/partner/", "nuanjia.campaigns.api_breakfast.partner_router")
    api.add_router("/partner/benefits/", "nuanjia.benefits.api.partner_router")
    api.add_router("/partner/benefits/", "nuanjia.benefits.api_statements.partner_router")
    api.add_router("/partner/produce/", "nuanjia.produce.api_partner.partner_router")
    api.add_router("/", "nuanjia.hardship.api.router")
    api.add_router("/funds/", "nuanjia.funds.api.router")
    api.add_router("/relief/", "nuanjia.relief.api.router")
    api.add_router("/stations/", "nuanjia.stations.api.router")
    api.add_router("/hotline/", "nuanjia.hotline.api.router")
    api.add_router("/campaigns/", "nuanjia.campaigns.api.router")
    api.add_router("/produce/", "nuanjia.produce.api.router")
    api.add_router("/mutualaid/", "nuanjia.mutualaid.api.router")
    api.add_router("/benefits/", "nuanjia.benefits.api.router")
    api.add_router("/benefits/", "nuanjia.benefits.api_statements.router")
    api.add_router("/enterprises/", "nuanjia.enterprises.api.router")
    api.add_router("/enterprises/", "nuanjia.enterprises.api_fees.router")
    api.add_router("/enterprises/", "nuanjia.enterprises.api_checkups.router")
    api.add_router("/counselling/", "nuanjia.counselling.api.router")
    api.add_router("/skills/", "nuanjia.skills.api.router")
    api.add_router("/skills/", "nuanjia.skills.api_contests.router")
    api.add_router("/gigjobs/", "nuanjia.gigjobs.api.router")
    api.add_router("/pioneers/", "nuanjia.pioneers.api.router")
    api.add_router("/modelworkers/", "nuanjia.modelworkers.api.router")
    api.add_router("/enterprises/", "nuanjia.enterprises.api_helps.router")
    api.add_router("/reports/", "nuanjia.reports.api.router")


register_routers()
