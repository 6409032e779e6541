"""The page cache shared through Redis (CACHE_URL): Django's Redis cache, one client a pool.

Django's backend makes a new `redis.Redis` for every call, and each copies redis-py's table of
response callbacks (about 170 entries) into a dict of its own: a third of the CPU of reading
one cached page body. A client is safe to share; each thread has its own cache object.
"""

from django.core.cache.backends import redis


class ClientPerPool(redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ClientPerPool
