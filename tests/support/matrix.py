"""One council with a person for every part and an EIA in every state of the lifecycle: the
world of the permission matrix (tests/test_permission_matrix.py) and of the cache headers
check (tests/test_cache_control.py)."""

from datetime import date, timedelta

from eia.models import (
    ActionItem,
    BenchmarkCouncil,
    Characteristic,
    ClaimMapping,
    EngagementRecord,
    ImportUpload,
    IntersectionalImpact,
    OutboxEmail,
)
from eia.models.enums import CharacteristicKind
from workflows.lifecycle import STATES

STATE_NAMES = tuple(s.name for s in STATES)


class World:
    """One council: the EIA's directorate and another, a person for every part, and an EIA
    in every state (each with an action item, for routes about one)."""

    def __init__(self, make, db):
        d1, d2 = make.directorate("Directorate one"), make.directorate("Directorate two")
        s1, s2 = make.service(d1, "Service one"), make.service(d2, "Service two")
        self.people = {
            "owner": make.user("officer", service=s1),
            "team_officer": make.user("officer", service=s1),
            "other_officer": make.user("officer", service=s2),
            "directorate_approver": make.user("approver", directorate=d1),
            "other_approver": make.user("approver", directorate=d2),
            "equality_officer": make.user("equality_officer"),
            "admin": make.user("admin"),
        }
        self.eias = {}
        for state in STATE_NAMES:
            eia = make.eia(
                state, owner=self.people["owner"], approver=self.people["directorate_approver"]
            )
            db.add(
                ActionItem(
                    eia=eia,
                    description="Publish easy read.",
                    status="planned",
                    owner_id=self.people["owner"].id,
                    due_date=date.today() + timedelta(days=30),
                )
            )
            db.add(EngagementRecord(eia=eia, who="Residents' panel"))
            db.add(IntersectionalImpact(eia=eia, description="Older disabled residents"))
            self.eias[state] = eia
        mail = OutboxEmail(
            idempotency_key="matrix-mail",
            recipient_id=self.people["owner"].id,
            recipient_email=self.people["owner"].email,
            kind="event",
            rule="submitted",
            template="submitted",
            subject="Sign-off needed",
            status="sent",
            transport="mailbox",
            body_text="Hello",
            body_html="<p>Hello</p>",
        )
        db.add(mail)
        local = Characteristic(
            key="carers", name="Carers", kind=CharacteristicKind.local, position=200
        )
        db.add(local)
        mapping = ClaimMapping(
            kind="app_role", value="EIA.Officer", role="officer", service_id=s2.id
        )
        db.add(mapping)
        # A register uploaded to be imported, its columns chosen (admin import pages).
        upload = ImportUpload(
            filename="register.csv",
            content=b"Reference,Title,Directorate,Service,Lead officer\n",
            sha256="0" * 64,
            table={"header_row": 1, "columns": [[0, "Reference"]], "rows": []},
            uploaded_by_id=self.people["admin"].id,
            mapping={"reference": 0, "title": 1, "directorate": 2, "service": 3, "lead_officer": 4},
        )
        db.add(upload)
        # A council in the practice comparison, at an address nothing answers on.
        council = BenchmarkCouncil(
            name="Matrix Borough",
            feed_url="http://127.0.0.1:9/open-data/eia-practice.json",
            public_key="A" * 43,
            key_source="given",
        )
        db.add(council)
        db.commit()
        self.ids = {
            "council_id": council.id,
            "user_id": self.people["team_officer"].id,
            "directorate_id": d2.id,
            "service_id": s2.id,
            "characteristic_id": local.id,
            "outbox_id": mail.id,
            "mapping_id": mapping.id,
            "upload_id": upload.id,
        }

    def values(self, rule, state):
        """URL values for a route, for the EIA in ``state``."""
        eia = self.eias.get(state)
        values = dict(self.ids)
        if eia is not None:
            values.update(
                reference=eia.reference,
                number=1,
                section="proposal",
                event="withdraw",
                key="age",
                action_id=eia.actions[0].id,
                record_id=eia.engagements[0].id,
                impact_id=eia.intersectional_impacts[0].id,
            )
        return {name: values[name] for name in rule.arguments}
