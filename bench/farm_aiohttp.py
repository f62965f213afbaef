"""The original talk's stack for comparison: Python asyncio + aiohttp.

Mirrors examples/animals_asyncio.py of the original talk: one
aiohttp.ClientSession, one coroutine per animal, all gathered at once. The
only changes: the farm's URL and the animals come from the command line, the
connector's limit is lifted (limit=0; aiohttp's default of 100 connections
would queue the rest), a failure is counted rather than ending the run, and
the noise is printed without radprint's animation (as livedeck's
--no-animate).

Usage: /usr/bin/python3 bench/farm_aiohttp.py URL FILE
  URL   the farm's animals endpoint, e.g. http://127.0.0.1:4000/animals
  FILE  the animals, one name a line
Exits 1 if any request failed (each failure is told on stderr).
"""
import asyncio
import sys

import aiohttp


async def speak(animal, session, url):
    """Retrieves the sound for the given animal, and prints it."""
    response = await session.get('{0}/{1}'.format(url, animal))
    sound = await response.text()
    print('The {0} says "{1}".'.format(animal, sound))


async def main(url, animals):
    """Retrieve and print sounds for all animals; returns the failures."""
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:
        coroutines = [speak(animal, session, url) for animal in animals]
        results = await asyncio.gather(*coroutines, return_exceptions=True)
    failures = [r for r in results if isinstance(r, BaseException)]
    for failure in failures[:10]:
        print('failed: {0!r}'.format(failure), file=sys.stderr)
    return len(failures)


if __name__ == '__main__':
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    with open(sys.argv[2], encoding='utf-8') as names:
        animals = [line.strip() for line in names if line.strip()]
    failed = asyncio.run(main(sys.argv[1], animals))
    if failed:
        print('{0} of {1} requests failed'.format(failed, len(animals)), file=sys.stderr)
    sys.exit(1 if failed else 0)
