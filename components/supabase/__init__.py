"""The settings of an existing Supabase project, managed through the Supabase Management API.

Supabase publishes no Pulumi provider on PyPI, so this package talks to the Management API
(https://api.supabase.com) itself, one job per module:

* ``retry``     -- urllib3's ``Retry`` with a total wait budget and an injectable sleep;
* ``client``    -- ``SupabaseManagementClient``, the HTTP client, and ``SupabaseApiError``;
* ``settings``  -- the resource's properties: names, defaults, normalize, validate, diff;
* ``endpoints`` -- the pooler, auth and network-restriction calls, and restoring them;
* ``provider``  -- ``SupabaseSettingsProvider``, the dynamic provider's CRUD (pickled by
  reference: see its module doc);
* ``resource``  -- ``SupabaseProjectSettings``, the dynamic resource;
* ``project``   -- ``SupabaseProject`` (``vital:supabase:SupabaseProject``), the component that
  uses it and takes a ``SupabaseProjectSpec``.
"""
