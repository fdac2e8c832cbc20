#!/usr/bin/env python3
"""Writes N valid organisations in the `nko import organizations` CSV format to standard output.

Every value is also acceptable to PostgreSQL's COPY (booleans as true/false, ISO dates, one value
per list cell), so the same file can be loaded by `nko import`, `COPY` and `sqlite3 .import`.
"""
import sys

INN_WEIGHTS = [2, 4, 10, 3, 5, 9, 4, 6, 8]
COLUMNS = ["full_name", "short_name", "legal_form", "inn", "ogrn", "kpp", "registered_on", "municipality",
           "legal_address", "postal_address", "phones", "emails", "website", "activity_areas", "target_groups",
           "relationship", "relationship_since", "in_sonko_register", "social_service_provider"]
FORMS = ["ano", "fund", "public_organization", "charitable_fund", "association_union"]
PLACES = ["kaluga_city", "obninsk_city", "borovsky", "kozelsky", "zhukovsky", "maloyaroslavetsky"]
AREAS = ["social_services_support_protection", "charity_volunteering", "education_culture_health_sport"]
GROUPS = ["homelessness", "disabled_children", "unemployment_no_means", "self_care_loss"]


def inn(n):
    prefix = f"4{n:08d}"
    return prefix + str(sum(int(d) * w for d, w in zip(prefix, INN_WEIGHTS)) % 11 % 10)


def ogrn(n):
    prefix = f"1024{n:08d}"
    return prefix + str(int(prefix) % 11 % 10)


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 250_000
    out = sys.stdout
    out.write(",".join(COLUMNS) + "\n")
    for n in range(count):
        row = [
            f"АНО «Социальная помощь {n}»", f"Помощь {n}", FORMS[n % len(FORMS)], inn(n), ogrn(n), f"4027{n % 100:02d}001",
            f"{2000 + n % 25}-{1 + n % 12:02d}-{1 + n % 28:02d}", PLACES[n % len(PLACES)],
            f"г. Калуга, ул. Ленина, д. {n % 300 + 1}", "", f"+7484{n % 10_000_000:07d}", f"org{n}@example.org", "",
            AREAS[n % len(AREAS)], GROUPS[n % len(GROUPS)], "occasional_client", "", "true" if n % 7 == 0 else "false",
            "false",
        ]
        out.write(",".join(f'"{v}"' if "," in v else v for v in row) + "\n")


if __name__ == "__main__":
    main()
