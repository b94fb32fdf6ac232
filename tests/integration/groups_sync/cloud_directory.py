"""The sandbox's cloud directory as the group sync tests seed and inspect it (shared by the group_sync and the
group_flatten state=synced tests)."""

from atlassian_sandbox.areas.org_directory import initial_state, make_group, make_user

USERS = [f"user{i:03d}@example.com" for i in range(250)]
MARKER = "Managed by dcops.atlassian_cloud group sync"


def seed_directory(sandbox, users=USERS, groups=()):
    """Replace the directory's users (emails) and groups ((name, member emails, make_group keywords))."""
    state = initial_state(None)
    state["users"] = [make_user(email) for email in users]
    by_email = {u["email"]: u["accountId"] for u in state["users"]}
    state["groups"] = [make_group(name, [by_email[m] for m in members], **extra) for name, members, extra in groups]
    sandbox.seed("cloud", "org_directory", state)
    return state


def cloud_groups(sandbox):
    """{group name: sorted member emails} as the sandbox holds them, checking no member appears twice."""
    state = sandbox.state()["cloud"]["org_directory"]
    email = {u["accountId"]: u["email"] for u in state["users"]}
    result = {}
    for group in state["groups"]:
        assert len(group["members"]) == len(set(group["members"])), f"duplicate members in {group['name']}"
        result[group["name"]] = sorted(email[m] for m in group["members"])
    return result


def writes(sandbox):
    """The cloud requests that change something (user searches are POSTs that only read)."""
    return [e for e in sandbox.log("cloud") if e["method"] not in ("GET", "HEAD") and not e["path"].endswith("/search")]
