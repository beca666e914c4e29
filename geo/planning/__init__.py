"""Planning: visit stops, travel times (estimate, OSRM), the route solver and route exports."""
