# ---
# jupyter:
#   anchorlib:
#     inputs:
#     - collaborative
#     - catalogue
#     - ledger
#     - register
#     - ingest_quality
#     order: 20
#     scope: anchor
#     title: Anchor spend
#   jupytext:
#     formats: ipynb,py:percent
#     notebook_metadata_filter: anchorlib
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% tags=["parameters"]
# The collaborative YAML, relative to the project root (or absolute).
collaborative: str = "collaboratives/lancashire.yml"
# The anchor this report is about (an anchor id in the collaborative).
anchor: str = "hyndburn"
# The outputs folder holding the shared assets; empty: outputs/ in the project.
outputs: str = ""
# How many of the largest suppliers to list.
suppliers_listed: int = 20

# %%
from anchorlib.reports.params import check_parameters

check_parameters(globals(), "anchor_spend")

# %%
from anchorlib.assets.register import read_located_ledger
from anchorlib.config.collaborative import load_collaborative
from anchorlib.reports import anchor_spend as spend_report
from anchorlib.reports import charts
from anchorlib.reports import display as report
from anchorlib.reports.params import project_path

collab = load_collaborative(project_path(collaborative))
ledger = read_located_ledger(collab, project_path(outputs) if outputs else None)
s = spend_report.anchor_spend(collab, anchor, ledger, out_root=project_path(outputs) if outputs else None,
                              suppliers_listed=suppliers_listed)
report.header(f"Spend: {s.anchor_name}", collaborative=collab.spec.name, anchor=s.anchor_id,
              subtitle=f"Where {s.anchor_name}'s money goes: by place, neighbourhood deprivation, kind of "
                       "organisation, sector and supplier, year by year, with the quality of the data.",
              sources=spend_report.sources(collab, anchor), simulated=s.simulated)

# %%
report.reading(spend_report.spend_reading(s))

# %% [markdown]
# ## Spend by place
#
# Each supplier is placed by its postcode in the innermost tier that contains it (the place first, then
# the wider area, then the rest of the UK). Spend whose supplier cannot be located stays in every
# "share of all spend" (it is never dropped); "share of located spend" leaves it out.

# %%
fig = charts.hbar(s.tiers["tier (innermost first)"], s.tiers["share of all spend (%)"],
                  title=f"{s.anchor_name}: spend by where the supplier is", unit="%",
                  xlabel="share of all spend (%)")
report.figure(fig, alt=report.describe(s.tiers, "tier (innermost first)", "share of all spend (%)",
                                       f"Bar chart of {s.anchor_name}'s share of all spend by supplier location"))
report.table(s.tiers, f"{s.anchor_name}: spend by tier", name="spend_by_tier",
             notes="Credit notes netted against their supplier; receipts and transfers (a supplier "
                   "credited more than it was paid) left out; payments published twice counted once.")

# %% [markdown]
# ## Procurement spend: the basis of the headline
#
# The headline share in the place is a share of procurement spend: spend with suppliers. Payments
# to other public bodies, HMRC, pension funds, precepts and levies, grants and benefits to
# individuals and redacted payees are left out of it, each listed here with its amount
# (docs/methodology.md, step 7 item 5).

# %%
report.table(s.procurement, f"{s.anchor_name}: procurement spend and what it leaves out",
             name="procurement_spend",
             notes="Each payment is left out under the first rule it meets, in the order listed.")

# %% [markdown]
# ## Spend by neighbourhood deprivation
#
# The deprivation decile of the small area where each located supplier is based, 1 the most deprived 10%.
# Under the default basis (`deprivation_basis: own_nation`) a supplier in Wales, Scotland or Northern
# Ireland has its own nation's decile (WIMD 2019, SIMD 2020, NIMDM 2017), which says how deprived its area
# is within that nation only; under `england_only` it has none. The table's note names this page's basis.

# %%
from anchorlib.indicators.collective import decile_basis_note

dec_col = s.deciles.columns[0]  # its heading names the deprivation basis
ranked = charts.ranked_deciles(s.deciles, dec_col)
fig = charts.hbar(ranked[dec_col], ranked["share of located spend (%)"],
                  title=f"{s.anchor_name}: located spend by the deprivation of the supplier's neighbourhood",
                  xlabel="share of located spend (%)", unit="%", colours=charts.decile_colours(), reference=10,
                  reference_label="even spread: 10% per decile")
report.figure(fig, alt=report.describe(ranked, dec_col, "share of located spend (%)",
                                       f"Bar chart of the share of located spend by {dec_col}, 1 most deprived"))
report.table(s.deciles, f"{s.anchor_name}: spend by {dec_col}", name="spend_by_deprivation",
             notes=decile_basis_note(collab.spec.indicators.deprivation_basis))

# %% [markdown]
# ## Spend by kind of organisation and sector
#
# Organisation types come from the supplier register (names, company and charity numbers, and people's
# corrections); sectors are filled in by the partnership in the register.

# %%
fig = charts.hbar(s.org_types["organisation type"], s.org_types["share of all spend (%)"],
                  title=f"{s.anchor_name}: spend by organisation type", xlabel="share of all spend (%)", unit="%")
report.figure(fig, alt=report.describe(s.org_types, "organisation type", "share of all spend (%)",
                                       f"Bar chart of {s.anchor_name}'s share of all spend by organisation type"))
report.table(s.org_types, f"{s.anchor_name}: spend by organisation type", name="spend_by_org_type",
             notes=s.indicators["vcse_gate"]["sentence"])
report.table(s.sectors, f"{s.anchor_name}: spend by sector", name="spend_by_sector",
             notes=s.indicators["sector_gate"]["sentence"])

# %%
from anchorlib.indicators.coverage import apply_common_threshold
from anchorlib.reports import suppliers_section

suppliers_section.show(collab, apply_common_threshold(ledger, collab.spec.indicators.common_threshold),
                       anchor=anchor, out_root=project_path(outputs) if outputs else None)

# %% [markdown]
# ## The largest suppliers
#
# Net spend per supplier (payments less refunds), suppliers matched across spellings in the register.
# Redacted payees are not suppliers and are left out.

# %%
report.table(s.top_suppliers, f"{s.anchor_name}: the {len(s.top_suppliers)} largest suppliers",
             name="top_suppliers", notes="Share: of net spend with named suppliers (the HHI denominator).")

# %% [markdown]
# ## Year by year
#
# Financial years (April to March). Open circles mark years with fewer than 12 months of payments
# published: their totals are not comparable with full years.

# %%
partial = (s.trend["months with payments (months)"] < 12).tolist()
fig = charts.line(s.trend["financial year"], {"spend (£ million)": (s.trend["spend (£)"] / 1e6).tolist()},
                  title=f"{s.anchor_name}: spend by financial year", xlabel="financial year",
                  ylabel="spend (£ million)", hollow=partial)
report.figure(fig, alt=report.describe(s.trend, "financial year", "spend (£)",
                                       f"Line chart of {s.anchor_name}'s spend by financial year"))
share_cols = [c for c in s.trend.columns if c.endswith("(%)") and c != "located (%)"]
fig = charts.line(s.trend["financial year"], {c.replace(" (%)", ""): s.trend[c].tolist() for c in share_cols},
                  title=f"{s.anchor_name}: local and deprived-area shares by year", xlabel="financial year",
                  ylabel="share (%)", hollow=partial, ylim=(0, 100))
report.figure(fig, alt=report.describe(s.trend, "financial year", share_cols[0],
                                       f"Line chart of shares by year; {share_cols[0].replace(' (%)', '')}"))
report.table(s.trend, f"{s.anchor_name}: spend by financial year", name="spend_by_year")

# %%
from anchorlib.reports import coverage as coverage_section

coverage_section.show(collab, ledger, anchor=anchor)

# %% [markdown]
# ## Data quality
#
# Every row of every published file is either in the ledger or rejected with its reason; per file the
# amount read equals the ledger plus the rejects to the penny.

# %%
report.table(s.quality, f"{s.anchor_name}: reconciliation and coverage", name="data_quality",
             units_from="measure")
report.table(s.rejects, f"{s.anchor_name}: rows rejected, by reason", name="rejects_by_reason")
report.table(s.files, f"{s.anchor_name}: files read", name="files_read", max_rows=15)
