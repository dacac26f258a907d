"""The rows of the member list, as plain values with their link and labels ready.

A page of the list showed 50 members as model instances, each with its organization as a
second instance, and a `{% url %}` per row: building the instances and the template's tags
were most of the page's time (issue 7). The page reads only the five values it prints.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from tongket.party.models import Member

FIELDS = ("pk", "card_number", "full_name", "status", "org__name")
SENTINEL = 987654321  # a member id no test or city reaches; replaced by each row's id


@dataclass(frozen=True)
class MemberRow:
    href: str
    card_number: str
    full_name: str
    org_name: str
    status: str


def member_rows(values) -> list[MemberRow]:
    """`values`: tuples of FIELDS (a page of `members_search(...).values_list(*FIELDS)`)."""
    # The detail URL is reversed once: its shape is the same for every member.
    head, tail = reverse("member_detail", args=[SENTINEL]).split(str(SENTINEL))
    labels = dict(Member.Status.choices)
    return [
        MemberRow(f"{head}{pk}{tail}", card, name, org_name, str(labels.get(status, status)))
        for pk, card, name, status, org_name in values
    ]
