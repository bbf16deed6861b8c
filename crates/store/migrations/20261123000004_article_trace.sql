-- The W3C traceparent of the request that submitted an article, so its
-- asynchronous processing continues the submitter's trace. Empty when the
-- submitter did not trace.
ALTER TABLE articles ADD COLUMN trace_parent text NOT NULL DEFAULT '';
