import { subgraphCodegen } from '../../scripts/lib/subgraph-codegen';

export default subgraphCodegen({
  contextType: '../context#CustomerContext',
  scalars: { DateTime: 'Date' },
  mappers: {
    Customer: '../graphql-models#CustomerModel',
    Category: '../graphql-models#CategoryModel',
    Product: '../graphql-models#ProductModel',
    CustomerConnection: '../graphql-models#CustomerConnectionModel',
    CategoryConnection: '../graphql-models#CategoryConnectionModel',
    ProductConnection: '../graphql-models#ProductConnectionModel',
  },
});
