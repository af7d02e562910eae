-- Each subgraph owns its own database on the shared server, so neither can read the other's
-- tables. The postgres image runs this only when its data volume is empty (first start);
-- after changing it, recreate the volume: docker-compose down -v.
CREATE DATABASE customer;
CREATE DATABASE reservation;
