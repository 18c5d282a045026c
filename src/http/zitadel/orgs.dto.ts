import { ProtoString } from './proto-validation';

export class AddOrgRequest {
  @ProtoString({ min: 1, max: 200 })
  name!: string;
}
