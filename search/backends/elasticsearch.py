"""Elasticsearch through elasticsearch.dsl, when ELASTICSEARCH_URL is set.

The text is segmented here (search.segmentation) and sent pre-segmented; the index analyses it
with the whitespace tokenizer (and lowercase), so a query means the same as on the databases:
tokens ANDed within an alternative, alternatives ORed. The reader's visibility filter is the
same SearchEntry queryset as for the databases; Elasticsearch receives the ids it allows as a
terms filter, so results, counts and facet counts cover only what the reader may see.
"""

from __future__ import annotations

from django.conf import settings

from .base import FACET_COLUMNS, FacetValue, Hit, Results, SearchBackend
from ..models import SearchEntry

INDEX_NAME = "casesearch"
#: the terms filter's ceiling (Elasticsearch's index.max_terms_count default)
MAX_VISIBLE_IDS = 65536


def _client():
    from elasticsearch import Elasticsearch

    return Elasticsearch(settings.ELASTICSEARCH_URL, request_timeout=10)


def _document_class():
    from elasticsearch.dsl import Date, Document, Integer, Keyword, Text, analyzer

    whitespace = analyzer("casesearch_tokens", tokenizer="whitespace", filter=["lowercase"])

    class EntryDocument(Document):
        entry_id = Integer()
        key = Keyword()
        kind = Keyword()
        case_id = Integer()
        act_kind = Keyword()
        unit_id = Integer()
        year = Integer()
        state = Keyword()
        case_mark = Keyword()
        officer_ids = Integer(multi=True)
        date = Date()
        tokens = Text(analyzer=whitespace)

        class Index:
            name = INDEX_NAME
            settings = {"number_of_shards": 1, "number_of_replicas": 0}

    return EntryDocument


class ElasticsearchBackend(SearchBackend):
    name = "elasticsearch"

    def __init__(self):
        self.client = _client()
        self.document = _document_class()

    def ensure_index(self) -> None:
        if not self.client.indices.exists(index=INDEX_NAME):
            self.document.init(using=self.client)

    def _index_engine(self, docs):
        from elasticsearch.helpers import bulk

        self.ensure_index()
        actions = [{
            "_index": INDEX_NAME, "_id": doc.key, "_source": {
                "entry_id": doc.entry_id, "key": doc.key, "kind": doc.kind,
                "case_id": doc.case_id, "act_kind": doc.act_kind, "unit_id": doc.unit_id,
                "year": doc.year, "state": doc.state, "case_mark": doc.case_mark,
                "officer_ids": doc.officer_ids,
                "date": doc.date.isoformat() if doc.date else None, "tokens": doc.tokens}}
            for doc in docs]
        bulk(self.client, actions, refresh="wait_for")

    def _delete_engine(self, keys):
        from elasticsearch.helpers import bulk

        if self.client.indices.exists(index=INDEX_NAME):
            bulk(self.client, [{"_op_type": "delete", "_index": INDEX_NAME, "_id": key}
                               for key in keys], raise_on_error=False, refresh="wait_for")

    def _clear_engine(self):
        self.client.indices.delete(index=INDEX_NAME, ignore_unavailable=True)
        self.ensure_index()

    def _search(self, parsed, scoped, *, facets, sort, page, per_page, scope) -> Results:
        from elasticsearch.dsl import Q, Search

        ids = list(scoped.order_by().values_list("id", flat=True)[:MAX_VISIBLE_IDS + 1])
        if len(ids) > MAX_VISIBLE_IDS:  # fail closed rather than show a cut-off set as all
            raise RuntimeError("too many visible entries for an Elasticsearch terms filter")
        search = Search(using=self.client, index=INDEX_NAME).filter("terms", entry_id=ids)
        if parsed:
            alternatives = [Q("bool", must=[Q("term", tokens=token) for term in alternative
                                            for token in term]) for alternative in parsed]
            search = search.query(Q("bool", should=alternatives, minimum_should_match=1))
        if scope == "cases":
            for name in facets:
                column = "officer_ids" if name == "officer" else FACET_COLUMNS.get(name)
                if column:
                    search.aggs.bucket(name, "terms", field=column, size=50) \
                        .metric("cases", "cardinality", field="case_id")
            search.aggs.metric("cases", "cardinality", field="case_id")
        if sort == "relevance" and parsed:
            search = search.sort("_score", {"date": {"order": "desc"}}, {"entry_id": "desc"})
        else:
            search = search.sort({"date": {"order": "desc", "missing": "_last"}},
                                 {"entry_id": "desc"})
        offset = (page - 1) * per_page
        search = search.extra(track_total_hits=True)[offset:offset + per_page]
        response = search.execute()
        order = [hit.entry_id for hit in response]
        rows = {row["id"]: row for row in SearchEntry.objects.filter(id__in=order).values(
            "id", "key", "kind", "title", "url", "date", "case_id", "text")}
        hits = [Hit(entry_id=row["id"], key=row["key"], kind=row["kind"], title=row["title"],
                    url=row["url"], date=row["date"], case_id=row["case_id"],
                    score=getattr(es_hit.meta, "score", None), text=row["text"])
                for es_hit in response if (row := rows.get(es_hit.entry_id))]
        facet_counts = {}
        cases = 0
        if scope == "cases":
            aggregations = response.aggregations
            cases = int(aggregations.cases.value)
            for name in facets:
                if hasattr(aggregations, name):
                    facet_counts[name] = [FacetValue(str(bucket.key), int(bucket.cases.value))
                                          for bucket in getattr(aggregations, name).buckets]
        return Results(hits, int(response.hits.total.value), cases, facet_counts, page,
                       per_page)
