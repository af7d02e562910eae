/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "query BookingAvailability($date: Date!, $partySize: Int!) {\n  availability(date: $date, partySize: $partySize) {\n    startsAt\n    endsAt\n    remainingCapacity\n    available\n  }\n}": typeof types.BookingAvailabilityDocument,
    "query BookingByKey($key: String!) {\n  reservationByIdempotencyKey(key: $key) {\n    ...BookingFields\n  }\n}": typeof types.BookingByKeyDocument,
    "mutation CancelBooking($input: CancelReservationInput!) {\n  cancelReservation(input: $input) {\n    reservation {\n      id\n      status\n      cancellationReason\n    }\n  }\n}": typeof types.CancelBookingDocument,
    "mutation ConfirmBooking($input: ConfirmReservationInput!) {\n  confirmReservation(input: $input) {\n    reservation {\n      id\n      status\n    }\n  }\n}": typeof types.ConfirmBookingDocument,
    "mutation BookTable($input: CreateReservationInput!) {\n  createReservation(input: $input) {\n    reservation {\n      ...BookingFields\n    }\n  }\n}": typeof types.BookTableDocument,
    "fragment BookingFields on Reservation {\n  id\n  status\n  startsAt\n  endsAt\n  partySize\n  customer {\n    id\n    name\n  }\n}": typeof types.BookingFieldsFragmentDoc,
    "query CataloguePage($categoryId: ID, $search: String, $first: Int = 12, $after: String) {\n  categories {\n    nodes {\n      id\n      name\n      position\n    }\n  }\n  products(\n    categoryId: $categoryId\n    isActive: true\n    search: $search\n    first: $first\n    after: $after\n  ) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    nodes {\n      id\n      name\n      description\n      priceCents\n      currency\n      category {\n        id\n        name\n      }\n    }\n  }\n}": typeof types.CataloguePageDocument,
    "query CustomerChoices {\n  customers(first: 50) {\n    nodes {\n      id\n      name\n    }\n  }\n}": typeof types.CustomerChoicesDocument,
    "query CustomerProfilePage($id: ID!) {\n  customer(id: $id) {\n    id\n    name\n    email\n    phone\n    notes\n    reservations {\n      id\n      startsAt\n      endsAt\n      partySize\n      status\n      notes\n    }\n  }\n}": typeof types.CustomerProfilePageDocument,
    "query CustomersWithUpcoming($from: DateTime!) {\n  customers(first: 50) {\n    totalCount\n    nodes {\n      id\n      name\n      email\n      reservations(from: $from, status: [PENDING, CONFIRMED]) {\n        id\n        startsAt\n        partySize\n        status\n      }\n    }\n  }\n}": typeof types.CustomersWithUpcomingDocument,
};
const documents: Documents = {
    "query BookingAvailability($date: Date!, $partySize: Int!) {\n  availability(date: $date, partySize: $partySize) {\n    startsAt\n    endsAt\n    remainingCapacity\n    available\n  }\n}": types.BookingAvailabilityDocument,
    "query BookingByKey($key: String!) {\n  reservationByIdempotencyKey(key: $key) {\n    ...BookingFields\n  }\n}": types.BookingByKeyDocument,
    "mutation CancelBooking($input: CancelReservationInput!) {\n  cancelReservation(input: $input) {\n    reservation {\n      id\n      status\n      cancellationReason\n    }\n  }\n}": types.CancelBookingDocument,
    "mutation ConfirmBooking($input: ConfirmReservationInput!) {\n  confirmReservation(input: $input) {\n    reservation {\n      id\n      status\n    }\n  }\n}": types.ConfirmBookingDocument,
    "mutation BookTable($input: CreateReservationInput!) {\n  createReservation(input: $input) {\n    reservation {\n      ...BookingFields\n    }\n  }\n}": types.BookTableDocument,
    "fragment BookingFields on Reservation {\n  id\n  status\n  startsAt\n  endsAt\n  partySize\n  customer {\n    id\n    name\n  }\n}": types.BookingFieldsFragmentDoc,
    "query CataloguePage($categoryId: ID, $search: String, $first: Int = 12, $after: String) {\n  categories {\n    nodes {\n      id\n      name\n      position\n    }\n  }\n  products(\n    categoryId: $categoryId\n    isActive: true\n    search: $search\n    first: $first\n    after: $after\n  ) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    nodes {\n      id\n      name\n      description\n      priceCents\n      currency\n      category {\n        id\n        name\n      }\n    }\n  }\n}": types.CataloguePageDocument,
    "query CustomerChoices {\n  customers(first: 50) {\n    nodes {\n      id\n      name\n    }\n  }\n}": types.CustomerChoicesDocument,
    "query CustomerProfilePage($id: ID!) {\n  customer(id: $id) {\n    id\n    name\n    email\n    phone\n    notes\n    reservations {\n      id\n      startsAt\n      endsAt\n      partySize\n      status\n      notes\n    }\n  }\n}": types.CustomerProfilePageDocument,
    "query CustomersWithUpcoming($from: DateTime!) {\n  customers(first: 50) {\n    totalCount\n    nodes {\n      id\n      name\n      email\n      reservations(from: $from, status: [PENDING, CONFIRMED]) {\n        id\n        startsAt\n        partySize\n        status\n      }\n    }\n  }\n}": types.CustomersWithUpcomingDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query BookingAvailability($date: Date!, $partySize: Int!) {\n  availability(date: $date, partySize: $partySize) {\n    startsAt\n    endsAt\n    remainingCapacity\n    available\n  }\n}"): (typeof documents)["query BookingAvailability($date: Date!, $partySize: Int!) {\n  availability(date: $date, partySize: $partySize) {\n    startsAt\n    endsAt\n    remainingCapacity\n    available\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query BookingByKey($key: String!) {\n  reservationByIdempotencyKey(key: $key) {\n    ...BookingFields\n  }\n}"): (typeof documents)["query BookingByKey($key: String!) {\n  reservationByIdempotencyKey(key: $key) {\n    ...BookingFields\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation CancelBooking($input: CancelReservationInput!) {\n  cancelReservation(input: $input) {\n    reservation {\n      id\n      status\n      cancellationReason\n    }\n  }\n}"): (typeof documents)["mutation CancelBooking($input: CancelReservationInput!) {\n  cancelReservation(input: $input) {\n    reservation {\n      id\n      status\n      cancellationReason\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ConfirmBooking($input: ConfirmReservationInput!) {\n  confirmReservation(input: $input) {\n    reservation {\n      id\n      status\n    }\n  }\n}"): (typeof documents)["mutation ConfirmBooking($input: ConfirmReservationInput!) {\n  confirmReservation(input: $input) {\n    reservation {\n      id\n      status\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation BookTable($input: CreateReservationInput!) {\n  createReservation(input: $input) {\n    reservation {\n      ...BookingFields\n    }\n  }\n}"): (typeof documents)["mutation BookTable($input: CreateReservationInput!) {\n  createReservation(input: $input) {\n    reservation {\n      ...BookingFields\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment BookingFields on Reservation {\n  id\n  status\n  startsAt\n  endsAt\n  partySize\n  customer {\n    id\n    name\n  }\n}"): (typeof documents)["fragment BookingFields on Reservation {\n  id\n  status\n  startsAt\n  endsAt\n  partySize\n  customer {\n    id\n    name\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query CataloguePage($categoryId: ID, $search: String, $first: Int = 12, $after: String) {\n  categories {\n    nodes {\n      id\n      name\n      position\n    }\n  }\n  products(\n    categoryId: $categoryId\n    isActive: true\n    search: $search\n    first: $first\n    after: $after\n  ) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    nodes {\n      id\n      name\n      description\n      priceCents\n      currency\n      category {\n        id\n        name\n      }\n    }\n  }\n}"): (typeof documents)["query CataloguePage($categoryId: ID, $search: String, $first: Int = 12, $after: String) {\n  categories {\n    nodes {\n      id\n      name\n      position\n    }\n  }\n  products(\n    categoryId: $categoryId\n    isActive: true\n    search: $search\n    first: $first\n    after: $after\n  ) {\n    totalCount\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n    nodes {\n      id\n      name\n      description\n      priceCents\n      currency\n      category {\n        id\n        name\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query CustomerChoices {\n  customers(first: 50) {\n    nodes {\n      id\n      name\n    }\n  }\n}"): (typeof documents)["query CustomerChoices {\n  customers(first: 50) {\n    nodes {\n      id\n      name\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query CustomerProfilePage($id: ID!) {\n  customer(id: $id) {\n    id\n    name\n    email\n    phone\n    notes\n    reservations {\n      id\n      startsAt\n      endsAt\n      partySize\n      status\n      notes\n    }\n  }\n}"): (typeof documents)["query CustomerProfilePage($id: ID!) {\n  customer(id: $id) {\n    id\n    name\n    email\n    phone\n    notes\n    reservations {\n      id\n      startsAt\n      endsAt\n      partySize\n      status\n      notes\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query CustomersWithUpcoming($from: DateTime!) {\n  customers(first: 50) {\n    totalCount\n    nodes {\n      id\n      name\n      email\n      reservations(from: $from, status: [PENDING, CONFIRMED]) {\n        id\n        startsAt\n        partySize\n        status\n      }\n    }\n  }\n}"): (typeof documents)["query CustomersWithUpcoming($from: DateTime!) {\n  customers(first: 50) {\n    totalCount\n    nodes {\n      id\n      name\n      email\n      reservations(from: $from, status: [PENDING, CONFIRMED]) {\n        id\n        startsAt\n        partySize\n        status\n      }\n    }\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;