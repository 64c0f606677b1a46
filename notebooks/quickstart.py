# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
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

# %% [markdown]
# # Quickstart: a collaborative in a notebook
#
# How to work with a collaborative's shared data yourself. The published reports
# (`anchor run`) do all of this for you; this notebook is for exploring.
#
# Before running it: `anchor run collaboratives/lancashire.yml` (or `make demo`), which builds the
# shared assets once: the ledger, the supplier register and the place asset in `outputs/<id>/data/`.
# Notebooks read them and never rebuild them.

# %% tags=["parameters"]
# The collaborative YAML, relative to the project root (or absolute).
collaborative: str = "collaboratives/lancashire.yml"
# The outputs folder holding the shared assets; empty: outputs/ in the project.
outputs: str = ""

# %%
from anchorlib.reports.params import check_parameters

check_parameters(globals(), "quickstart")

# %% [markdown]
# ## 1. Load the collaborative
#
# The YAML names the place, the anchors and their payment files. Loading it checks every code.

# %%
from anchorlib.config.collaborative import load_collaborative
from anchorlib.reports.params import project_path

collab = load_collaborative(project_path(collaborative))
out_root = project_path(outputs) if outputs else None
print(collab.spec.name)
print("place:", collab.place.name, "-", len(collab.place.lsoas), "LSOAs; tiers:", collab.place.tier_names)
print("anchors:", [a.id for a in collab.anchors])

# %% [markdown]
# ## 2. The place: deprivation summary measures
#
# `place_measures` gives MHCLG's summary measures of the IMD 2025 for any set of LSOAs.

# %%
from anchorlib.data.deprivation import place_measures

m = place_measures(collab.place.lsoas, name=collab.place.name)
{k: m[k] for k in ("name", "lsoa_count", "population")} | {"imd": m["imd"]}

# %% [markdown]
# ## 3. The shared assets: ledger, supplier register, place
#
# `read_located_ledger` is the canonical ledger of every anchor with each supplier's register attributes
# (tier, IMD decile, organisation type) on every row.

# %%
from anchorlib.assets.place import read_place_asset
from anchorlib.assets.register import read_located_ledger

ledger = read_located_ledger(collab, out_root)
asset = read_place_asset(collab, out_root)
print(f"{len(ledger):,} payments; {ledger['supplier_id'].nunique():,} suppliers; "
      f"{len(asset.lsoas):,} LSOAs in the place asset")
ledger[["anchor_id", "payment_date", "supplier_name", "amount", "tier", "imd25_decile"]].head()

# %% [markdown]
# ## 4. Spend indicators
#
# Every published number is a tested function: `spend_indicators` computes them per anchor and
# combined (definitions in docs/indicators/spend.md).

# %%
import pandas as pd

from anchorlib.indicators.spend import spend_indicators

ind = spend_indicators(ledger, collab.place, collab.spec.indicators, anchors=[a.id for a in collab.anchors])
pd.DataFrame({g: {k: ind[g][k] for k in ("total", "located_share", "place_share_of_all",
                                         "deprived_share_of_located", "hhi", "top10_share")}
              for g in ind})

# %% [markdown]
# ## 5. A map
#
# The place asset holds simplified LSOA boundaries (British National Grid) with the IMD 2025 deciles.

# %%
from anchorlib.reports import charts

fig = charts.decile_map(asset.lsoas, "imd_decile", lads=asset.lads, sites=asset.sites,
                        title=f"{collab.place.name}: IMD 2025 decile by neighbourhood")
