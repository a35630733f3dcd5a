"""Each recipe, on its engine's tiny local cluster, gives the single-process records
row for row: the examples, a few hundred generated cases and bad lines."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

import dask_recipe
import pandas_recipe
import polars_recipe
import ray_recipe
import spark_recipe
from tests_engines.conftest import assert_same_records


def test_the_cases_cover_every_kind_of_row(
    cases: tuple[list[str], list[str]], reference: list[dict[str, Any]]
) -> None:
    """The cases hold errors, multi-item orders, refunds with amounts and dates."""
    texts, _ = cases
    assert len(texts) >= 400
    assert sum(r["error"] is not None for r in reference) >= 10
    assert sum(r["item"] is not None and r["item"] > 0 for r in reference) >= 10
    assert sum(r["refund_amount"] is not None for r in reference) >= 10
    assert sum(r["refund_earliest"] is not None for r in reference) >= 10
    assert len({r["outcome"] for r in reference}) >= 10


def test_pandas(cases: tuple[list[str], list[str]], reference: list[dict[str, Any]]) -> None:
    assert_same_records(pandas_recipe.run(*cases, chunk=97), reference)


def test_polars(cases: tuple[list[str], list[str]], reference: list[dict[str, Any]]) -> None:
    assert_same_records(polars_recipe.run(*cases, slice_len=97), reference)


@pytest.fixture(scope="module")
def dask_client() -> Iterator[Any]:
    client = dask_recipe.local_client(workers=2)
    yield client
    client.close()
    client.cluster.close()


def test_dask_local_cluster(
    dask_client: Any, cases: tuple[list[str], list[str]], reference: list[dict[str, Any]]
) -> None:
    """Two worker processes; several partitions, each sized by case count."""
    assert len(dask_client.scheduler_info()["workers"]) == 2
    got = dask_recipe.run(*cases, cases_per_partition=97, client=dask_client)
    assert_same_records(got, reference)


def test_spark_local_2(cases: tuple[list[str], list[str]], reference: list[dict[str, Any]]) -> None:
    """``local[2]``, mapInArrow, several tasks; the workers run this interpreter."""
    spark = spark_recipe.session("local[2]")
    try:
        assert spark.sparkContext.master == "local[2]"
        got = spark_recipe.run(*cases, cases_per_task=97, spark=spark)
    finally:
        spark.stop()
    assert_same_records(got, reference)


def test_ray_two_cpus(cases: tuple[list[str], list[str]], reference: list[dict[str, Any]]) -> None:
    """``num_cpus=2``, two actors, batches sized by case count, in input order."""
    ray_recipe.start(cpus=2)
    try:
        assert ray_recipe.ray.cluster_resources()["CPU"] == 2
        got = ray_recipe.run(*cases, batch_size=97)
    finally:
        ray_recipe.ray.shutdown()
    assert_same_records(got, reference)
