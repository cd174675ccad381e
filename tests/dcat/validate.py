"""Validates a DCAT export against the DCAT-AP 3.0.1 SHACL shapes (run by tests/dcat.rs).

usage: python3 validate.py SHAPES.ttl DATA FORMAT   (FORMAT: json-ld or turtle)

The published 3.0.1 shapes name two property shapes of dcat:DataServiceShape that they never
define; pyshacl refuses a shapes graph with such dangling references, so they are dropped
first (every shape that is defined is kept and checked). Exits 0 when the data conforms,
1 with the report when it does not.
"""
import sys

import rdflib
from pyshacl import validate

shapes_file, data_file, data_format = sys.argv[1:4]
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
shapes = rdflib.Graph()
shapes.parse(shapes_file, format="turtle")
dangling = [
    (s, o)
    for s, o in shapes.subject_objects(SH.property)
    if (o, SH.path, None) not in shapes
]
for s, o in dangling:
    shapes.remove((s, SH.property, o))
data = rdflib.Graph()
data.parse(data_file, format=data_format)
conforms, _, report = validate(data, shacl_graph=shapes, inference="none", allow_warnings=True)
print(f"triples: {len(data)}; dangling shape references dropped: {len(dangling)}; conforms: {conforms}")
if not conforms:
    print(report)
    sys.exit(1)
