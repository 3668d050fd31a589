"""Signing in through the council's identity provider: OpenID Connect (Microsoft Entra ID,
or any certified provider), with Authlib's Flask client.

- ``client``: the Authlib client (discovery, authorisation code with PKCE, state and nonce,
  ID token validation), built from the OIDC_* settings.
- ``mapping``: Entra app roles and group ids to a role, service and directorate (the
  mapping administrators edit in the browser, export and import).
- ``groups``: Entra's "too many groups" overage: the groups asked of Microsoft Graph.
- ``provisioning``: who the signed-in account is here (``identity_link``), creating or
  updating the person from the claims; every change an audited operation.
- ``settings``: password sign-in as a break-glass (on or off) and linking by email.

The pages are in eia/web/sso.py.
"""
