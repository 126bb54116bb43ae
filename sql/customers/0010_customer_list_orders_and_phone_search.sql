-- GET /api/customers?order=name|name_desc: keyset pages in case-insensitive
-- name order (then id), read from this index whatever the page's depth.
CREATE INDEX customers_live_by_name ON customers (lower(name), id) WHERE NOT deleted;
-- GET /api/customers?q= also finds a phone by its digits ("555 01" finds
-- "+1 (555) 0123"): a trigram index on the digits keeps it an index scan.
CREATE INDEX customers_phone_digits_trgm ON customers
  USING gin ((regexp_replace(phone, '[^0-9]', '', 'g')) gin_trgm_ops) WHERE NOT deleted;
