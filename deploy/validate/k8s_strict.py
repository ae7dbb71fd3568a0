#!/usr/bin/python3
"""Strict schema check of Kubernetes manifests against the API types of Debian's python3-kubernetes.

The client's models are generated from the Kubernetes OpenAPI spec: each has the JSON name and the
type of every field (attribute_map, openapi_types) and refuses a missing required field when built.
Every document must name a known apiVersion/kind; every field must exist in its type (a typo is an
error, as in kubectl's strict field validation) and hold a value of that type; required fields
must be present. Exit 1 on any problem, naming the file, document and field path.
"""
import inspect
import re
import sys

import yaml
from kubernetes import client
from kubernetes.client import models

SKIP_KINDS = {("kustomize.config.k8s.io/v1beta1", "Kustomization")}  # not an API object
PRIMITIVE = {"str": (str,), "bool": (bool,), "float": (int, float), "date": (str,), "datetime": (str,)}


def model_class(api_version, kind):
    version = api_version.split("/")[-1]
    name = version[0].upper() + version[1:] + kind
    return getattr(models, name, None)


def served_by_group(api_version, cls):
    """True when the group's API class of the client (AppsV1Api, CoreV1Api, ...) serves cls."""
    group, _, version = api_version.rpartition("/")
    words = group.removesuffix(".k8s.io").split(".") if group else ["core"]
    api = getattr(client, "".join(w.capitalize() for w in words) + version.capitalize() + "Api", None)
    return api is not None and f"'{cls.__name__}'" in inspect.getsource(api)


def check(value, typ, path, problems):
    if value is None:
        return
    if typ == "object":  # IntOrString and free-form fields
        return
    if typ == "int":
        if not isinstance(value, int) or isinstance(value, bool):
            problems.append(f"{path}: expected an integer, got {value!r}")
        return
    if typ in PRIMITIVE:
        if not isinstance(value, PRIMITIVE[typ]) or (typ == "float" and isinstance(value, bool)):
            problems.append(f"{path}: expected {typ}, got {value!r}")
        return
    m = re.fullmatch(r"list\[(.+)\]", typ)
    if m:
        if not isinstance(value, list):
            problems.append(f"{path}: expected a list, got {value!r}")
            return
        for i, item in enumerate(value):
            check(item, m.group(1), f"{path}[{i}]", problems)
        return
    m = re.fullmatch(r"dict\(str, (.+)\)", typ)
    if m:
        if not isinstance(value, dict):
            problems.append(f"{path}: expected a map, got {value!r}")
            return
        for k, v in value.items():
            check(v, m.group(1), f"{path}.{k}", problems)
        return
    cls = getattr(models, typ, None)
    if cls is None:
        problems.append(f"{path}: type {typ} unknown to the client models")
        return
    check_model(value, cls, path, problems)


def check_model(value, cls, path, problems):
    if not isinstance(value, dict):
        problems.append(f"{path}: expected an object ({cls.__name__}), got {value!r}")
        return
    by_json = {j: attr for attr, j in cls.attribute_map.items()}
    present = {}
    for key, v in value.items():
        attr = by_json.get(key)
        if attr is None:
            problems.append(f"{path}.{key}: unknown field (not in {cls.__name__})")
            continue
        present[attr] = v
        check(v, cls.openapi_types[attr], f"{path}.{key}", problems)
    config = client.Configuration()
    config.client_side_validation = True
    try:
        cls(local_vars_configuration=config, **present)  # refuses a missing required field
    except ValueError as e:
        problems.append(f"{path}: {e}")


def main(files):
    problems = []
    documents = 0
    for f in files:
        with open(f, encoding="utf-8") as fh:
            docs = list(yaml.safe_load_all(fh))
        for n, doc in enumerate(docs):
            if doc is None:
                continue
            where = f"{f}#{n}"
            if not isinstance(doc, dict) or "apiVersion" not in doc or "kind" not in doc:
                problems.append(f"{where}: not a Kubernetes object (apiVersion and kind required)")
                continue
            if (doc["apiVersion"], doc["kind"]) in SKIP_KINDS:
                continue
            cls = model_class(str(doc["apiVersion"]), str(doc["kind"]))
            if (cls is None or cls.attribute_map.get("api_version") != "apiVersion"
                    or not served_by_group(str(doc["apiVersion"]), cls)):
                problems.append(f"{where}: unknown apiVersion/kind {doc['apiVersion']}/{doc['kind']}")
                continue
            documents += 1
            check_model(doc, cls, f"{where} {doc['kind']}", problems)
    for p in problems:
        print(p)
    print(f"k8s_strict: {documents} objects in {len(files)} files, {len(problems)} problems "
          f"(python3-kubernetes {client.__version__} models)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
