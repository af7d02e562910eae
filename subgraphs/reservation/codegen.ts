import { subgraphCodegen } from '../../scripts/lib/subgraph-codegen';

export default subgraphCodegen({
  contextType: '../context#ReservationContext',
  scalars: { DateTime: 'Date', Date: 'string' },
  mappers: {
    Reservation: '../graphql-models#ReservationModel',
    ReservationConnection: '../graphql-models#ReservationConnectionModel',
    ReservationSettings: '../graphql-models#ReservationSettingsModel',
    AvailabilitySlot: '../graphql-models#AvailabilitySlotModel',
    Customer: '../graphql-models#CustomerModel',
  },
});
