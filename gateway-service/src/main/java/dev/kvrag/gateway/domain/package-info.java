/**
 * What the gateway does, without Spring, Kafka or Redis types: a question is checked ({@code query.QuestionRules}),
 * answered from retrieved chunks by a worker ({@code query.QueryService}); documents are checked and announced
 * ({@code documents.DocumentService}). The two dependencies, retrieval and inference, are the interfaces
 * {@code Retrieval} and {@code Inference}, implemented in {@code infra}. Every refusal is a {@link
 * dev.kvrag.gateway.domain.Problem}.
 */
package dev.kvrag.gateway.domain;
