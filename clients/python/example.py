#!/usr/bin/env python3
"""Readout from Python: ingest an article through the gateway, wait until it is
processed, then run each gateway lookup.

    clients/python/generate.sh            # once: generate the client from proto/
    PYTHONPATH=clients/python/generated python3 clients/python/example.py --target localhost:20051
"""
import argparse
import sys
import time

import grpc
from readout.v1 import gateway_service_pb2 as gateway
from readout.v1 import gateway_service_pb2_grpc as gateway_grpc
from readout.v1 import ingest_service_pb2 as ingest
from readout.v1 import ingest_service_pb2_grpc as ingest_grpc
from readout.v1 import resources_pb2 as resources

ARTICLE = """Leaders meet in Geneva
Swiss President Anna Keller met German Chancellor Markus Brandt in Geneva on March 3, 2024.
\u201cWe agreed to keep talking about energy,\u201d Keller said.
Brandt called the meeting productive, according to his office.
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--target", default="localhost:20051", help="gateway address")
    parser.add_argument("--ca", help="CA certificate (PEM) to verify a gateway that speaks TLS; plaintext without it")
    parser.add_argument("--token", help="API key or JWT, sent as `authorization: Bearer <token>`")
    args = parser.parse_args()
    if args.ca:
        with open(args.ca, "rb") as ca:
            credentials = grpc.ssl_channel_credentials(root_certificates=ca.read())
        if args.token:
            credentials = grpc.composite_channel_credentials(
                credentials, grpc.access_token_call_credentials(args.token))
        channel = grpc.secure_channel(args.target, credentials)
    else:
        if args.token:
            parser.error("--token needs --ca: bearer tokens are sent over TLS only")
        channel = grpc.insecure_channel(args.target)
    submit = ingest_grpc.IngestServiceStub(channel)
    lookups = gateway_grpc.GatewayServiceStub(channel)

    # Ingest: the article is durable when the call returns; processing follows.
    response = submit.SubmitArticle(ingest.SubmitArticleRequest(article=ingest.ArticleInput(text=ARTICLE)), timeout=10)
    name = response.article.name
    print(f"submitted {name} (new: {response.created})")
    for _ in range(200):
        article = submit.GetArticle(ingest.GetArticleRequest(name=name), timeout=10).article
        if article.state == resources.ARTICLE_STATE_DONE:
            break
        if article.state == resources.ARTICLE_STATE_FAILED:
            print(f"processing failed: {article.last_error}", file=sys.stderr)
            return 1
        time.sleep(0.1)
    else:
        print("not processed in time", file=sys.stderr)
        return 1

    profile = lookups.GetEntityProfile(gateway.GetEntityProfileRequest(entity="Anna Keller"), timeout=10)
    print(f"profile: {profile.entity.display_name}, {profile.event_count} events, {profile.quote_count} quotes")
    events = lookups.SearchEvents(gateway.SearchEventsRequest(participant="Anna Keller", counterpart="Markus Brandt"), timeout=10)
    for event in events.events:
        print(f"event: {resources.EventType.Name(event.type)} {[p.display_name for p in event.participants]} "
              f"in {event.place_display_name} on {event.date.value}")
    quotes = lookups.SearchQuotes(gateway.SearchQuotesRequest(query="energy"), timeout=10)
    for quote in quotes.quotes:
        print(f"quote: {quote.speaker_display_name}: {quote.text}")
    relationship = lookups.GetRelationship(gateway.GetRelationshipRequest(first="Anna Keller", second="Markus Brandt"), timeout=10)
    print(f"relationship: {len(relationship.events)} shared events")

    # Watch: follow Keller live; the stream yields one message per processed article.
    watch = lookups.Watch(gateway.WatchRequest(entity="Anna Keller"), timeout=30)
    # The response headers mean the watch is live: articles processed from now on reach it.
    watch.initial_metadata()
    submit.SubmitArticle(ingest.SubmitArticleRequest(article=ingest.ArticleInput(
        text="Keller on trade\n\u201cTrade must stay open,\u201d Anna Keller told reporters in Bern on March 5, 2024.\n")), timeout=10)
    live = next(watch)
    print(f"watch: {live.article} brought {len(live.quotes)} quote(s) by {live.quotes[0].speaker_display_name if live.quotes else '-'}")
    watch.cancel()

    # Errors are gRPC status codes whose message names the field.
    try:
        submit.SubmitArticle(ingest.SubmitArticleRequest(article=ingest.ArticleInput(text="")), timeout=10)
    except grpc.RpcError as error:
        print(f"rejected: {error.code().name} {error.details()}")
    return 0 if events.events and quotes.quotes and live.quotes else 1


if __name__ == "__main__":
    sys.exit(main())
