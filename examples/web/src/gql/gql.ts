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
    "\n  query CustomerChoices {\n    customers(first: 50) {\n      nodes {\n        id\n        name\n      }\n    }\n  }\n": typeof types.CustomerChoicesDocument,
    "\n  query Availability($date: Date!, $partySize: Int!) {\n    availability(date: $date, partySize: $partySize) {\n      startsAt\n      endsAt\n      remainingCapacity\n      available\n    }\n  }\n": typeof types.AvailabilityDocument,
    "\n  fragment BookingFields on Reservation {\n    id\n    status\n    startsAt\n    partySize\n    customer {\n      id\n      name\n    }\n  }\n": typeof types.BookingFieldsFragmentDoc,
    "\n  mutation BookSlot($input: CreateReservationInput!) {\n    createReservation(input: $input) {\n      ...BookingFields\n    }\n  }\n": typeof types.BookSlotDocument,
    "\n  query BookingByKey($key: String!) {\n    reservationByIdempotencyKey(key: $key) {\n      ...BookingFields\n    }\n  }\n": typeof types.BookingByKeyDocument,
    "\n  mutation ConfirmBooking($id: ID!) {\n    confirmReservation(id: $id) {\n      id\n      status\n    }\n  }\n": typeof types.ConfirmBookingDocument,
    "\n  mutation CancelBooking($id: ID!) {\n    cancelReservation(id: $id) {\n      id\n      status\n    }\n  }\n": typeof types.CancelBookingDocument,
    "\n  query Catalogue($search: String, $first: Int!, $after: String) {\n    products(isActive: true, search: $search, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        name\n        description\n        priceCents\n        currency\n        category {\n          id\n          name\n        }\n      }\n    }\n  }\n": typeof types.CatalogueDocument,
    "\n  query CustomerProfilePage($id: ID!) {\n    customer(id: $id) {\n      id\n      name\n      email\n      phone\n      notes\n      reservations {\n        id\n        startsAt\n        endsAt\n        partySize\n        status\n      }\n    }\n  }\n": typeof types.CustomerProfilePageDocument,
    "\n  query CustomersWithUpcoming($from: DateTime!) {\n    customers(first: 50) {\n      totalCount\n      nodes {\n        id\n        name\n        email\n        reservations(from: $from, status: [PENDING, CONFIRMED]) {\n          id\n          startsAt\n          partySize\n          status\n        }\n      }\n    }\n  }\n": typeof types.CustomersWithUpcomingDocument,
};
const documents: Documents = {
    "\n  query CustomerChoices {\n    customers(first: 50) {\n      nodes {\n        id\n        name\n      }\n    }\n  }\n": types.CustomerChoicesDocument,
    "\n  query Availability($date: Date!, $partySize: Int!) {\n    availability(date: $date, partySize: $partySize) {\n      startsAt\n      endsAt\n      remainingCapacity\n      available\n    }\n  }\n": types.AvailabilityDocument,
    "\n  fragment BookingFields on Reservation {\n    id\n    status\n    startsAt\n    partySize\n    customer {\n      id\n      name\n    }\n  }\n": types.BookingFieldsFragmentDoc,
    "\n  mutation BookSlot($input: CreateReservationInput!) {\n    createReservation(input: $input) {\n      ...BookingFields\n    }\n  }\n": types.BookSlotDocument,
    "\n  query BookingByKey($key: String!) {\n    reservationByIdempotencyKey(key: $key) {\n      ...BookingFields\n    }\n  }\n": types.BookingByKeyDocument,
    "\n  mutation ConfirmBooking($id: ID!) {\n    confirmReservation(id: $id) {\n      id\n      status\n    }\n  }\n": types.ConfirmBookingDocument,
    "\n  mutation CancelBooking($id: ID!) {\n    cancelReservation(id: $id) {\n      id\n      status\n    }\n  }\n": types.CancelBookingDocument,
    "\n  query Catalogue($search: String, $first: Int!, $after: String) {\n    products(isActive: true, search: $search, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        name\n        description\n        priceCents\n        currency\n        category {\n          id\n          name\n        }\n      }\n    }\n  }\n": types.CatalogueDocument,
    "\n  query CustomerProfilePage($id: ID!) {\n    customer(id: $id) {\n      id\n      name\n      email\n      phone\n      notes\n      reservations {\n        id\n        startsAt\n        endsAt\n        partySize\n        status\n      }\n    }\n  }\n": types.CustomerProfilePageDocument,
    "\n  query CustomersWithUpcoming($from: DateTime!) {\n    customers(first: 50) {\n      totalCount\n      nodes {\n        id\n        name\n        email\n        reservations(from: $from, status: [PENDING, CONFIRMED]) {\n          id\n          startsAt\n          partySize\n          status\n        }\n      }\n    }\n  }\n": types.CustomersWithUpcomingDocument,
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
export function graphql(source: "\n  query CustomerChoices {\n    customers(first: 50) {\n      nodes {\n        id\n        name\n      }\n    }\n  }\n"): (typeof documents)["\n  query CustomerChoices {\n    customers(first: 50) {\n      nodes {\n        id\n        name\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Availability($date: Date!, $partySize: Int!) {\n    availability(date: $date, partySize: $partySize) {\n      startsAt\n      endsAt\n      remainingCapacity\n      available\n    }\n  }\n"): (typeof documents)["\n  query Availability($date: Date!, $partySize: Int!) {\n    availability(date: $date, partySize: $partySize) {\n      startsAt\n      endsAt\n      remainingCapacity\n      available\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment BookingFields on Reservation {\n    id\n    status\n    startsAt\n    partySize\n    customer {\n      id\n      name\n    }\n  }\n"): (typeof documents)["\n  fragment BookingFields on Reservation {\n    id\n    status\n    startsAt\n    partySize\n    customer {\n      id\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation BookSlot($input: CreateReservationInput!) {\n    createReservation(input: $input) {\n      ...BookingFields\n    }\n  }\n"): (typeof documents)["\n  mutation BookSlot($input: CreateReservationInput!) {\n    createReservation(input: $input) {\n      ...BookingFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query BookingByKey($key: String!) {\n    reservationByIdempotencyKey(key: $key) {\n      ...BookingFields\n    }\n  }\n"): (typeof documents)["\n  query BookingByKey($key: String!) {\n    reservationByIdempotencyKey(key: $key) {\n      ...BookingFields\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ConfirmBooking($id: ID!) {\n    confirmReservation(id: $id) {\n      id\n      status\n    }\n  }\n"): (typeof documents)["\n  mutation ConfirmBooking($id: ID!) {\n    confirmReservation(id: $id) {\n      id\n      status\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CancelBooking($id: ID!) {\n    cancelReservation(id: $id) {\n      id\n      status\n    }\n  }\n"): (typeof documents)["\n  mutation CancelBooking($id: ID!) {\n    cancelReservation(id: $id) {\n      id\n      status\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Catalogue($search: String, $first: Int!, $after: String) {\n    products(isActive: true, search: $search, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        name\n        description\n        priceCents\n        currency\n        category {\n          id\n          name\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Catalogue($search: String, $first: Int!, $after: String) {\n    products(isActive: true, search: $search, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      nodes {\n        id\n        name\n        description\n        priceCents\n        currency\n        category {\n          id\n          name\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CustomerProfilePage($id: ID!) {\n    customer(id: $id) {\n      id\n      name\n      email\n      phone\n      notes\n      reservations {\n        id\n        startsAt\n        endsAt\n        partySize\n        status\n      }\n    }\n  }\n"): (typeof documents)["\n  query CustomerProfilePage($id: ID!) {\n    customer(id: $id) {\n      id\n      name\n      email\n      phone\n      notes\n      reservations {\n        id\n        startsAt\n        endsAt\n        partySize\n        status\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CustomersWithUpcoming($from: DateTime!) {\n    customers(first: 50) {\n      totalCount\n      nodes {\n        id\n        name\n        email\n        reservations(from: $from, status: [PENDING, CONFIRMED]) {\n          id\n          startsAt\n          partySize\n          status\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query CustomersWithUpcoming($from: DateTime!) {\n    customers(first: 50) {\n      totalCount\n      nodes {\n        id\n        name\n        email\n        reservations(from: $from, status: [PENDING, CONFIRMED]) {\n          id\n          startsAt\n          partySize\n          status\n        }\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;