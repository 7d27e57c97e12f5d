SELECT to_regclass('public.order_events') IS NOT NULL;
