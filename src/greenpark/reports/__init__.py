"""Statistical reports built from the ledger's monthly figures.

- :mod:`greenpark.reports.energy_205`: the monthly energy statistics in the layout of the
  NBS table 205-1 《能源购进、消费与库存》 (Excel and CSV), with a carbon sheet.

Nothing is imported here, so ``import greenpark.reports`` stays light; import the module
you need (``from greenpark.reports.energy_205 import write_xlsx``).
"""
