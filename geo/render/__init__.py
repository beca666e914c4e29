"""Render: folium layers and maps, the route map, the public map and the brief (PDF/HTML).

Every text that reaches JavaScript or HTML is escaped here (:mod:`geo.render.maptext`).
"""
