print('PONG')
