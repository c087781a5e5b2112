"""Build outline.json: Korea and Japan (with the nearby coasts of China and Russia) from Natural Earth.

Input: countries-50m.json from the npm package world-atlas (Mike Bostock's TopoJSON build of
Natural Earth 1:50m Admin 0 countries, Natural Earth 4.1.0; the data is public domain). Fetch it with:

    tmp="$(mktemp -d)"
    (cd "$tmp" && npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz)
    python3 site_gen/data/make_outline.py "$tmp/package/countries-50m.json"

Output: outline.json next to this script (or the path given as a second argument). The TopoJSON is
decoded here, each ring is clipped to BBOX (Sutherland-Hodgman), coordinates are rounded to
2 decimals, and rings are implicitly closed (the first point is not repeated at the end).
Standard library only; the same input gives a byte-identical output.
"""
import json
import os
import sys

VERSION = "2.0.2"  # world-atlas version the input comes from (recorded in "source")
BBOX = (123.0, 30.0, 146.5, 47.0)  # lon_min, lat_min, lon_max, lat_max
COUNTRIES = [("408", "North Korea"), ("410", "South Korea"), ("392", "Japan"), ("156", "China"), ("643", "Russia")]
MIN_AREA = 0.0005  # square degrees (about 5 km2): smaller rings (islets, clipping slivers) are dropped


def decode_arcs(topo):
    """Absolute lon/lat points of every arc (undo the delta encoding and the quantization)."""
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    arcs = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring_points(indexes, arcs):
    """Join a ring's arcs; ~i means arc i reversed; each arc's first point repeats the previous last."""
    points = []
    for i in indexes:
        arc = arcs[i] if i >= 0 else arcs[~i][::-1]
        points.extend(arc[1:] if points else arc)
    return points


def clip(ring, bbox):
    """Sutherland-Hodgman: clip a ring to the rectangle, one edge at a time."""
    x0, y0, x1, y1 = bbox
    edges = [
        (lambda p: p[0] >= x0, 0, x0), (lambda p: p[0] <= x1, 0, x1),
        (lambda p: p[1] >= y0, 1, y0), (lambda p: p[1] <= y1, 1, y1),
    ]
    for inside, axis, value in edges:
        if not ring:
            break
        out = []
        prev = ring[-1]
        for cur in ring:
            if inside(cur) != inside(prev):  # the edge crosses the line: add the crossing point
                t = (value - prev[axis]) / (cur[axis] - prev[axis])
                cross = [prev[0] + t * (cur[0] - prev[0]), prev[1] + t * (cur[1] - prev[1])]
                cross[axis] = value
                out.append(tuple(cross))
            if inside(cur):
                out.append(cur)
            prev = cur
        ring = out
    return ring


def area(ring):
    """Unsigned shoelace area in square degrees."""
    return abs(sum(ax * by - bx * ay for (ax, ay), (bx, by) in zip(ring, ring[1:] + ring[:1]))) / 2


def simplify_rounded(ring):
    """Round to 2 decimals and drop consecutive duplicates (also the closing point)."""
    out = []
    for x, y in ring:
        p = [round(x, 2) + 0.0, round(y, 2) + 0.0]  # + 0.0 turns -0.0 into 0.0
        if not out or p != out[-1]:
            out.append(p)
    while len(out) > 1 and out[-1] == out[0]:
        out.pop()
    return out


def build(topo):
    arcs = decode_arcs(topo)
    by_id = {g.get("id"): g for g in topo["objects"]["countries"]["geometries"]}
    shapes = []
    for cid, name in COUNTRIES:
        geometry = by_id[cid]
        assert geometry["properties"]["name"] == name, (cid, geometry["properties"])
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        rings = []
        for polygon in polygons:
            for indexes in polygon:
                ring = simplify_rounded(clip(ring_points(indexes, arcs), BBOX))
                if len(ring) >= 3 and area(ring) >= MIN_AREA:
                    rings.append(ring)
        shapes.append({"name": name, "rings": rings})
    source = (f"Natural Earth 1:50m Admin 0 countries, via the npm package world-atlas@{VERSION} "
              "(countries-50m.json); public domain")
    return {"source": source, "bbox": list(BBOX), "shapes": shapes}


def main(argv):
    if len(argv) not in (2, 3):
        sys.exit(f"usage: {argv[0]} countries-50m.json [outline.json]")
    with open(argv[1], encoding="utf-8") as f:
        topo = json.load(f)
    target = argv[2] if len(argv) == 3 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "outline.json")
    text = json.dumps(build(topo), sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    with open(target, "w", encoding="utf-8", newline="\n") as f:
        f.write(text + "\n")


if __name__ == "__main__":
    main(sys.argv)
