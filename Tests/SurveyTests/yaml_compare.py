"""Compares our YAML reader's trees with PyYAML's (the reference implementation).

Usage: python3 yaml_compare.py DIR
DIR holds NAME.yml and NAME.json pairs; NAME.json is our parser's tree in the canonical form
  null | true | false | {"int": "DECIMAL"} | {"float": "TEXT"} | {"str": "TEXT"}
  | {"seq": [...]} | {"map": [[KEY, VALUE], ...]}
PyYAML implements YAML 1.1, we implement 1.2. Two differences are allowed, and only these:
- 1.1 reads bare yes/no/on/off (any of its three spellings) as booleans; 1.2 reads them as strings.
- 1.1's timestamp type is not part of 1.2's core schema: PyYAML's timestamp resolver is removed
  below, so dates stay strings on both sides.
Prints one line per document and exits 1 on any other difference.
"""
import json, math, pathlib, sys
import yaml

class Loader(yaml.SafeLoader):
    pass

Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

YAML11_BOOLS = {s: True for s in ("yes", "Yes", "YES", "on", "On", "ON")}
YAML11_BOOLS.update({s: False for s in ("no", "No", "NO", "off", "Off", "OFF")})
allowed = 0

def same(ours, theirs, path):
    global allowed
    if theirs is None:
        return ours is None or f"{path}: ours {ours!r}, PyYAML null"
    if isinstance(theirs, bool):
        if ours is theirs:
            return True
        if isinstance(ours, dict) and ours.get("str") in YAML11_BOOLS and YAML11_BOOLS[ours["str"]] is theirs:
            allowed += 1
            return True
        return f"{path}: ours {ours!r}, PyYAML {theirs!r}"
    if isinstance(theirs, int):
        return ours == {"int": str(theirs)} or f"{path}: ours {ours!r}, PyYAML int {theirs!r}"
    if isinstance(theirs, float):
        if isinstance(ours, dict) and "float" in ours:
            mine = float(ours["float"])
            if mine == theirs or (math.isnan(mine) and math.isnan(theirs)):
                return True
        return f"{path}: ours {ours!r}, PyYAML float {theirs!r}"
    if isinstance(theirs, str):
        return ours == {"str": theirs} or f"{path}: ours {ours!r}, PyYAML {theirs!r}"
    if isinstance(theirs, list):
        if not (isinstance(ours, dict) and "seq" in ours and len(ours["seq"]) == len(theirs)):
            return f"{path}: ours {ours!r}, PyYAML list of {len(theirs)}"
        for i, (a, b) in enumerate(zip(ours["seq"], theirs)):
            r = same(a, b, f"{path}[{i}]")
            if r is not True:
                return r
        return True
    if isinstance(theirs, dict):
        items = list(theirs.items())
        if not (isinstance(ours, dict) and "map" in ours and len(ours["map"]) == len(items)):
            return f"{path}: ours {ours!r}, PyYAML mapping of {len(items)}"
        for (ok, ov), (tk, tv) in zip(ours["map"], items):
            r = same(ok, tk, f"{path} key")
            if r is not True:
                return r
            r = same(ov, tv, f"{path}.{tk}")
            if r is not True:
                return r
        return True
    return f"{path}: PyYAML gave an unexpected {type(theirs).__name__}"

def main():
    folder = pathlib.Path(sys.argv[1])
    failed = checked = 0
    for ours_file in sorted(folder.glob("*.json")):
        doc = ours_file.with_suffix(".yml")
        checked += 1
        try:
            theirs = yaml.load(doc.read_bytes(), Loader=Loader)
        except yaml.YAMLError as error:
            failed += 1
            print(f"DIFFERENT {doc.name}: PyYAML rejects it: {str(error).splitlines()[0]}")
            continue
        result = same(json.loads(ours_file.read_text(encoding="utf-8")), theirs, "$")
        if result is True:
            print(f"same {doc.name}")
        else:
            failed += 1
            print(f"DIFFERENT {doc.name}: {result}")
    print(f"compared {checked} documents, {failed} different, {allowed} yes/no/on/off booleans allowed")
    sys.exit(1 if failed or checked == 0 else 0)

main()
