import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type AccountView, GOLEM_APPLICATION, type GolemApplication, type UnsafeTokenView, type Written } from '../golem.application';
import { CreateAccountCommand, CreateTokenCommand, DeleteTokenCommand } from './accounts.command';

@CommandHandler(CreateAccountCommand)
export class CreateAccountHandler implements ICommandHandler<CreateAccountCommand, Written<AccountView>> {
  constructor(@Inject(GOLEM_APPLICATION) private readonly golem: GolemApplication) {}

  execute(command: CreateAccountCommand): Promise<Written<AccountView>> {
    return this.golem.createAccount(command.request, command.input);
  }
}

@CommandHandler(CreateTokenCommand)
export class CreateTokenHandler implements ICommandHandler<CreateTokenCommand, Written<UnsafeTokenView>> {
  constructor(@Inject(GOLEM_APPLICATION) private readonly golem: GolemApplication) {}

  execute(command: CreateTokenCommand): Promise<Written<UnsafeTokenView>> {
    return this.golem.createToken(command.request, command.accountId, command.expiresAt);
  }
}

@CommandHandler(DeleteTokenCommand)
export class DeleteTokenHandler implements ICommandHandler<DeleteTokenCommand, Written<Record<string, never>>> {
  constructor(@Inject(GOLEM_APPLICATION) private readonly golem: GolemApplication) {}

  execute(command: DeleteTokenCommand): Promise<Written<Record<string, never>>> {
    return this.golem.deleteToken(command.request, command.accountId, command.tokenId);
  }
}
