"""Schemathesis hooks for scripts/fuzz.sh: the duplicate repair and the migration are only ever fuzzed as dry runs."""
import schemathesis

REPAIR = "/api/admin/duplicates/repair"
MIGRATION = "/api/admin/migration"


@schemathesis.hook
def before_call(ctx, case, kwargs):
    # Whatever the generator chose (false, a list, a typo), the request that leaves is a dry run: the fuzz tier
    # must never delete or merge anything. Every other parameter stays as generated.
    if case.operation.path in (REPAIR, MIGRATION) and case.operation.method.upper() == "POST":
        query = dict(case.query or {})
        query["dryRun"] = "true"
        case.query = query


@schemathesis.hook
def filter_query(ctx, query):
    # A scalar query parameter generated as an object is sent form-exploded (skip={"a": 1} goes out as ?a=1), so the
    # request that leaves carries no such parameter at all and is rightly answered as if it were absent. Such cases
    # cannot test anything: leave them out rather than count them as accepted invalid input.
    return query is None or not any(isinstance(value, dict) for value in query.values())
