"""Entra's "too many groups" overage.

When a person is in more groups than fit in a token (200 in a JWT), Entra leaves the
``groups`` claim out and says where to find them instead: ``_claim_names`` {"groups":
"src1"} and ``_claim_sources`` {"src1": {"endpoint": ...}}. That endpoint is the retired
Azure AD Graph, and an address taken from a token is no place to send an access token, so
the groups are asked of the endpoint configured in OIDC_GROUPS_URL (Microsoft Graph by
default) with the access token of this sign-in:

- a URL ending in ``getMemberObjects``: POST {"securityEnabledOnly": false}, answer
  {"value": ["<group id>", ...]};
- any other (``/me/transitiveMemberOf``, ``/me/memberOf``): GET, answer {"value": [{"id":
  ...}, ...]}, following ``@odata.nextLink`` page by page.

The access token needs Microsoft Graph's delegated GroupMember.Read.All (README). App
roles never overflow: prefer them.
"""

import requests

MAX_PAGES = 200  # 100 groups a page: far more groups than anyone is in


class GroupsUnavailable(Exception):
    """The groups could not be had (the endpoint refused or could not be reached)."""


def has_overage(claims: dict) -> bool:
    names = claims.get("_claim_names")
    return "groups" not in claims and isinstance(names, dict) and "groups" in names


def fetch_groups(url: str, access_token: str, timeout: float) -> list[str]:
    headers = {"Authorization": f"Bearer {access_token}", "Accept": "application/json"}
    try:
        if url.rstrip("/").endswith("getMemberObjects"):
            response = requests.post(
                url, json={"securityEnabledOnly": False}, headers=headers, timeout=timeout
            )
            response.raise_for_status()
            return [v for v in response.json().get("value", []) if isinstance(v, str)]
        groups, pages = [], 0
        while url and pages < MAX_PAGES:
            response = requests.get(url, headers=headers, timeout=timeout)
            response.raise_for_status()
            body = response.json()
            groups += [
                v["id"]
                for v in body.get("value", [])
                if isinstance(v, dict) and isinstance(v.get("id"), str)
            ]
            url, pages = body.get("@odata.nextLink"), pages + 1
        return groups
    except (requests.RequestException, ValueError, AttributeError) as exc:
        raise GroupsUnavailable(str(exc)) from exc
