"""Schemathesis hooks for scripts/fuzz.sh: the duplicate repair is only ever fuzzed as a dry run."""
import schemathesis

REPAIR = "/api/admin/duplicates/repair"


@schemathesis.hook
def before_call(ctx, case, kwargs):
    # Whatever the generator chose (false, a list, a typo), the request that leaves is a dry run: the fuzz tier
    # must never delete or merge anything. Every other parameter stays as generated.
    if case.operation.path == REPAIR:
        query = dict(case.query or {})
        query["dryRun"] = "true"
        case.query = query
