"""Every exception class the collection defines under plugins/ derives from CollectionError (_api/errors.py),
so fail_from_exception is the one place that turns any of them into a module failure."""

import importlib
import inspect
import pkgutil

from ansible_collections.dcops.atlassian_cloud.plugins import module_utils
from ansible_collections.dcops.atlassian_cloud.plugins.module_utils._api.errors import CollectionError


def _own_exception_classes():
    for info in pkgutil.walk_packages(module_utils.__path__, module_utils.__name__ + "."):
        loaded = importlib.import_module(info.name)
        for name, value in vars(loaded).items():
            if inspect.isclass(value) and issubclass(value, BaseException) and value.__module__ == loaded.__name__:
                yield "%s.%s" % (info.name.rpartition("module_utils.")[2], name), value


def test_every_module_utils_exception_derives_from_the_one_base():
    found = dict(_own_exception_classes())
    assert "_api.contract.UnknownOperation" in found and "_readiness.readonly.WriteRefused" in found
    assert sorted(name for name, cls in found.items() if not issubclass(cls, CollectionError)) == []
