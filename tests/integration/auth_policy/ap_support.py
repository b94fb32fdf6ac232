"""State and log readers shared by the auth policy integration tests."""


def area_state(sandbox):
    return sandbox.state()["cloud"]["auth_policies"]


def policy_of(sandbox, email):
    state = area_state(sandbox)
    for acct in state["accounts"].values():
        if acct["email"] == email:
            return state["policies"][acct["policy"]]["name"]
    raise KeyError(email)


def writes(sandbox, fragment="add-users"):
    return [e for e in sandbox.log("cloud") if e["method"] != "GET" and fragment in e["path"]]
